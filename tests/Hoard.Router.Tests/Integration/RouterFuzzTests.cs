using System.Globalization;
using Hoard.Router.Tests.Infrastructure;
using Hoard.Server;
using Hoard.Server.Tests.Hardening;
using Hoard.Protocol.Tests.Fuzz;
using Xunit.Abstractions;

namespace Hoard.Router.Tests.Integration;

/// <summary>
/// The router's front side under the server's fuzzer (src: tests/Hoard.Server.Tests/Hardening): many connections,
/// each sending a stream of mutated text and meta commands (and binary-protocol frames, which the router refuses)
/// in random pieces while replies are read, through the router to memcached 1.6. Afterwards: no connection hung
/// after its client finished, the router logged no error, every connection was released, the router still
/// answers, and items stored through it before are byte-identical (their keys start with a prefix the corpus
/// never generates). Run on both transports, with a small in-flight limit so that reading pauses and resumes.
/// </summary>
public sealed class RouterFuzzTests(ITestOutputHelper output)
{
    private const string GuardedPrefix = "~hardened~/";

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Mutated_streams_on_many_connections_leave_the_router_and_stored_items_intact(TransportKind transport)
    {
        ulong seed = FuzzSettings.Seed + 100 + (ulong)transport;
        await using var memcached = Memcached.Start();
        var errors = new ErrorLog();
        await using var router = await RouterHarness.StartAsync(
            $$"""{ "pools": { "A": { "servers": ["{{memcached.Address}}"] } }, "route": "PoolRoute|A" }""",
            RouterHarness.OnTransport(transport, 16),
            loggerFactory: errors);

        var guarded = new Dictionary<string, string>();
        using (var client = router.Connect())
        {
            for (int i = 0; i < 100; i++)
            {
                string key = GuardedPrefix + i.ToString(CultureInfo.InvariantCulture);
                string value = new((char)('a' + (i % 26)), 1 + (i * 37 % 3000));
                Assert.Equal("STORED", client.Set(key, value, flags: i));
                guarded[key] = value;
            }
        }

        var endPoint = router.Router.EndPoints[0];
        var duration = FuzzSettings.Duration(TimeSpan.Zero);
        long connections = duration > TimeSpan.Zero ? long.MaxValue / 2 : 160;
        var run = ServerFuzzer.Run(endPoint, seed, 0, connections, duration, parallelism: 4);
        output.WriteLine($"router fuzz ({transport}), HOARD_FUZZ_SEED {FuzzSettings.Seed} (streams from seed {seed}): {run.Summary()}");
        foreach (var hung in run.HungStreams.Take(3))
            output.WriteLine("hung: " + hung);

        Assert.Equal(0, run.Hung);
        Assert.Empty(errors.Errors);
        // Not vacuous: the streams stored things, read things back and were refused.
        Assert.True(run.Stored > 0 && run.Values > 0 && run.Errors > 0, "the fuzz streams never stored, found or were refused anything");

        using (var client = router.Connect())
        {
            Assert.Equal("STORED", client.Set("after-fuzz", "ok", flags: 7));
            Assert.Equal("ok", client.Get("after-fuzz"));
            foreach (var (key, value) in guarded)
                Assert.Equal(value, client.Get(key));
        }
        await Hoard.Client.Tests.Discovery.Eventually.TrueAsync(() => router.Router.Statistics.CurrentConnections == 0, "every fuzz connection released");
    }
}
