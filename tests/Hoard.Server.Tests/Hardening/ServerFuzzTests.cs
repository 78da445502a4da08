using System.Diagnostics;
using System.Globalization;
using Hoard.Protocol.Tests.Fuzz;
using Hoard.Server.Tests.Network;
using Xunit.Abstractions;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// The in-process server under fuzz: many connections, each sending a stream of mutated text and meta commands
/// (and binary-protocol frames) in random pieces while replies are read. Afterwards the server still answers, the
/// items stored before are byte-identical (see <see cref="GuardedItems"/> for why no fuzz input can legitimately
/// touch them), no connection failed with an exception, none stayed open after its client finished, every
/// connection was released, item memory is within <c>-m</c> and the managed heap did not grow without bound.
/// <c>tests/long/fuzz.sh</c> runs this with <c>HOARD_FUZZ_SECONDS</c> for minutes instead of a fixed count.
/// </summary>
public sealed class ServerFuzzTests(ITestOutputHelper output)
{
    private const long MemoryLimit = 64L * 1024 * 1024;

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Mutated_streams_on_many_connections_leave_stored_items_and_the_server_intact(TransportKind transport)
    {
        ulong seed = FuzzSettings.Seed + (ulong)transport;
        var errors = new ErrorLog();
        var options = new ServerOptions
        {
            Port = 0,
            Threads = 2,
            Transport = transport,
            MaxItemSize = 64 * 1024,
            MemoryLimitBytes = MemoryLimit,
            DisableEvictions = true,
            DisableFlushAll = true,
        };
        await using var server = new HoardServer(options, errors);
        await server.StartAsync();
        var engine = server.Context.Engine;
        var guarded = GuardedItems.Store(engine, 300, seed);
        long heapBefore = SettledHeap();

        // In the suite: a fixed number of connections (deterministic inputs). Long run: as many as fit the time.
        var duration = FuzzSettings.Duration(TimeSpan.Zero);
        long connections = duration > TimeSpan.Zero ? long.MaxValue / 2 : 240;
        if (FuzzSettings.Replay is { } replay)
        {
            var one = ServerFuzzer.Run(server.TcpEndPoints[0], seed, replay, 1, TimeSpan.Zero, parallelism: 1);
            output.WriteLine($"replayed connection #{replay} ({transport}), HOARD_FUZZ_SEED {FuzzSettings.Seed}: {one.Summary()}");
            Assert.Equal(0, one.Hung);
            Assert.Empty(errors.Errors);
            guarded.AssertUnchanged(engine);
            return;
        }
        var run = ServerFuzzer.Run(server.TcpEndPoints[0], seed, 0, connections, duration, parallelism: 4);
        output.WriteLine($"server fuzz ({transport}), HOARD_FUZZ_SEED {FuzzSettings.Seed} (streams from seed {seed}): {run.Summary()}");
        foreach (var hung in run.HungStreams.Take(3))
            output.WriteLine("hung: " + hung);

        Assert.Empty(errors.Errors);
        Assert.Equal(0, run.Hung);
        if (duration == TimeSpan.Zero)
            Assert.Equal(connections, run.Connections);
        else
            Assert.True(run.Connections >= 100, $"only {run.Connections} connections ran");
        // Not vacuous: the streams stored things, read things back, were refused, and some were cut short.
        Assert.True(run.Stored > 0 && run.Values > 0 && run.Errors > 0, "the fuzz streams never stored, found or were refused anything");
        Assert.True(run.BinaryConnections > 0 && run.BinaryAnswered > 0, "no binary-protocol stream was sent and answered");

        using (var client = new RawClient(server.TcpEndPoints[0]))
        {
            client.Send("set after-fuzz 7 0 2\r\nok\r\nget after-fuzz\r\n");
            Assert.Equal("STORED\r\nVALUE after-fuzz 7 2\r\nok\r\nEND\r\n", client.ReadUntil("END\r\n"));
            client.Send($"mg {GuardedItems.Prefix}0 s\r\n");
            Assert.StartsWith("HD s", client.ReadUntil("\r\n"), StringComparison.Ordinal);
        }
        guarded.AssertUnchanged(engine);

        // Every fuzz connection was released (only the check client above may still be closing).
        var clock = Stopwatch.StartNew();
        while (server.Context.Statistics.CurrentConnections > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        Assert.Equal(0, server.Context.Statistics.CurrentConnections);

        Assert.Equal(MemoryLimit, engine.MemoryLimit);
        Assert.InRange(engine.BytesUsed, guarded.Bytes, MemoryLimit);
        long heapGrowth = SettledHeap() - heapBefore;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"item bytes {engine.BytesUsed:N0} of {MemoryLimit:N0}; managed heap grew {heapGrowth / 1024:N0} KiB"));
        // Pooled receive and reply buffers (up to ~1 MiB each, a few per core) are the only lasting growth allowed.
        Assert.True(heapGrowth < 64L * 1024 * 1024, $"managed heap grew by {heapGrowth:N0} bytes");
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
