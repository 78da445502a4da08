using System.Globalization;
using System.Text;
using Hoard.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hoard.Integration.Tests;

/// <summary>Five servers (and a sixth, idle until the growth test) shared by the key-distribution tests.</summary>
public sealed class SixServers : IDisposable
{
    public SixServers()
    {
        try
        {
            for (var i = 0; i < 6; i++)
                Servers.Add(ServerProcess.Start());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public List<ServerProcess> Servers { get; } = [];

    public void Dispose()
    {
        foreach (var server in Servers)
            server.Dispose();
    }
}

/// <summary>
/// The mixed .NET/Python fleet: a real Python client stores 10,000 keys into five real servers, choosing each
/// key's server itself; then <c>hoard locate</c> (Hoard.Client's locators) must name, for every key, the
/// server that actually holds it, read back with plain <c>get</c>s from that server alone.
/// </summary>
public sealed class KeyDistributionTests(SixServers fleet, ITestOutputHelper output) : IClassFixture<SixServers>
{
    private const int KeyCount = 10_000;

    [Theory]
    [InlineData("pylibmc-ketama", "ketama", "libmemcached-ketama", "1,1,1,1,1", true)]
    [InlineData("pylibmc-ketama", "ketama", "libmemcached-ketama", "1,2,1,3,1", true)]
    [InlineData("pylibmc-ketama-weighted", "ketama", "libketama", "1,1,1,1,1", true)]
    [InlineData("pylibmc-ketama-weighted", "ketama", "libketama", "1,2,1,3,1", true)]
    [InlineData("pylibmc-ketama-spy", "ketama", "libmemcached-spy", "1,2,1,3,1", true)]
    [InlineData("python-memcached", "modula", null, "1,1,1,1,1", true)]
    [InlineData("python-memcached", "modula", null, "1,2,1,3,1", true)]
    [InlineData("pymemcache", "rendezvous", null, "1,1,1,1,1", false)]
    public void Hoard_locates_every_key_on_the_server_the_python_client_stored_it_on(
        string mode, string distribution, string? flavor, string weights, bool nonAsciiKeys)
    {
        var servers = Specs(fleet.Servers.Take(5), weights);
        var keys = KeyFile.Keys($"{mode}-{weights.Replace(',', '.')}-", KeyCount, nonAsciiKeys);
        using var keyFile = new KeyFile(keys);
        RunStoreScript(keyFile.Path, mode, servers);

        var predicted = HoardLocate.Run(keys, LocateArguments(servers, distribution, flavor));
        var (found, perServer) = CountFoundOnPredictedServers(keys, predicted);
        output.WriteLine($"{mode} [{weights}] -> hoard locate --distribution {distribution} {flavor}: " +
            $"{found} of {keys.Count} keys found on the predicted server; per server {string.Join(", ", perServer)}");
        Assert.Equal(keys.Count, found);
        Assert.All(perServer, n => Assert.True(n > 0, "every server holds some keys"));
    }

    [Theory]
    [InlineData("pylibmc-ketama-weighted", "ketama", "libketama")]
    [InlineData("pymemcache", "rendezvous", null)]
    public void Adding_a_sixth_server_leaves_the_keys_hoard_predicts_and_about_five_sixths_of_all(
        string mode, string distribution, string? flavor)
    {
        var five = Specs(fleet.Servers.Take(5), "1,1,1,1,1");
        var six = Specs(fleet.Servers, "1,1,1,1,1,1");
        var keys = KeyFile.Keys($"grow-{mode}-", KeyCount, nonAscii: false);
        using var keyFile = new KeyFile(keys);
        RunStoreScript(keyFile.Path, mode, five);

        // The Python client, now given six servers, reads every key: a hit means the key did not move.
        var result = RunScript(["--count-hits", mode, keyFile.Path, .. six]);
        var hits = File.ReadAllText(keyFile.Path + ".hits", Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var before = HoardLocate.Run(keys, LocateArguments(five, distribution, flavor));
        var after = HoardLocate.Run(keys, LocateArguments(six, distribution, flavor));
        var stayed = Enumerable.Range(0, keys.Count).Where(i => before[i] == after[i]).Select(i => keys[i]).ToHashSet(StringComparer.Ordinal);
        var moved = 1 - stayed.Count / (double)keys.Count;
        output.WriteLine($"{mode}: 5 -> 6 servers, the Python client finds {hits.Count} of {keys.Count}; " +
            $"hoard predicts {stayed.Count} stay ({moved:P2} moved, ideal 16.67%)\n{result.Stdout}");
        Assert.True(hits.SetEquals(stayed), $"keys found by the Python client differ from hoard's prediction: " +
            $"{hits.Except(stayed).Count()} found but predicted moved, {stayed.Except(hits).Count()} predicted but not found");
        Assert.InRange(moved, 1 / 6.0 - 0.05, 1 / 6.0 + 0.05);
    }

    [Fact]
    public void Hoard_locates_every_key_on_the_server_twemproxy_put_it_on()
    {
        // twemproxy (Debian's nutcracker 0.5.0) with hash: md5 and distribution: ketama, weights 1,2,1,3,1.
        const string nutcracker = "/usr/sbin/nutcracker";
        if (!File.Exists(nutcracker))
        {
            output.WriteLine($"SKIPPED: {nutcracker} is not installed (apt-get install nutcracker)");
            return;
        }
        var servers = Specs(fleet.Servers.Take(5), "1,2,1,3,1");
        var keys = KeyFile.Keys("twemproxy-", KeyCount, nonAscii: true);
        // twemproxy's server lines always carry the weight.
        var lines = fleet.Servers.Take(5).Zip([1, 2, 1, 3, 1], (server, weight) =>
            $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}:{weight.ToString(CultureInfo.InvariantCulture)}");
        using (var proxy = Twemproxy.Start(nutcracker, lines))
        {
            using var client = TextClient.Connect(proxy.Port);
            foreach (var batch in keys.Chunk(500))
            {
                var request = new StringBuilder();
                foreach (var key in batch)
                {
                    var bytes = TextClient.Text(Encoding.UTF8.GetBytes(key));
                    request.Append("set ").Append(bytes).Append(" 0 0 ").Append(bytes.Length.ToString(CultureInfo.InvariantCulture))
                        .Append("\r\n").Append(bytes).Append("\r\n");
                }
                client.Send(request.ToString());
                foreach (var key in batch)
                    Assert.Equal("STORED", client.ReadLine());
            }
        }

        var predicted = HoardLocate.Run(keys, LocateArguments(servers, "ketama", "libketama"));
        var (found, perServer) = CountFoundOnPredictedServers(keys, predicted);
        output.WriteLine($"twemproxy md5+ketama [1,2,1,3,1] -> hoard locate --flavor libketama: {found} of {keys.Count} keys " +
            $"found on the predicted server; per server {string.Join(", ", perServer)}");
        Assert.Equal(keys.Count, found);
    }

    private static List<string> Specs(IEnumerable<ServerProcess> servers, string weights) =>
        servers.Zip(weights.Split(','), (s, w) => w == "1"
            ? $"127.0.0.1:{s.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"127.0.0.1:{s.Port.ToString(CultureInfo.InvariantCulture)}:{w}").ToList();

    private static string[] LocateArguments(IReadOnlyList<string> servers, string distribution, string? flavor) =>
        flavor is null
            ? ["--servers", string.Join(',', servers), "--distribution", distribution]
            : ["--servers", string.Join(',', servers), "--distribution", distribution, "--flavor", flavor];

    private static void RunStoreScript(string keyFile, string mode, IReadOnlyList<string> servers) =>
        RunScript([mode, keyFile, .. servers]);

    private static ChildProcess.Result RunScript(IReadOnlyList<string> arguments)
    {
        var result = ExternalTool.Run(ExternalTool.Python, [ExternalTool.Script("key_distribution_store.py"), .. arguments], TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0 && result.Stdout.Contains("ALL PASSED", StringComparison.Ordinal),
            $"key_distribution_store.py {string.Join(' ', arguments)} failed:\n{result}");
        return result;
    }

    /// <summary>
    /// Asks each server, with pipelined multi-key gets, for the keys hoard placed on it; returns how many it
    /// holds, in total and per server (in the fleet's order).
    /// </summary>
    private (int Found, int[] PerServer) CountFoundOnPredictedServers(IReadOnlyList<string> keys, IReadOnlyList<string> predicted)
    {
        var perServer = new int[5];
        var found = 0;
        for (var s = 0; s < 5; s++)
        {
            var server = fleet.Servers[s];
            var address = $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}";
            // TextClient speaks Latin-1 strings, one char per byte: the keys' UTF-8 bytes as such.
            var mine = Enumerable.Range(0, keys.Count).Where(i => predicted[i] == address)
                .Select(i => TextClient.Text(Encoding.UTF8.GetBytes(keys[i]))).ToList();
            using var client = server.Connect();
            var batches = mine.Chunk(100).ToList();
            var request = new StringBuilder();
            foreach (var batch in batches)
                request.Append("get ").AppendJoin(' ', batch).Append("\r\n");
            client.Send(request.ToString());
            for (var b = 0; b < batches.Count; b++)
            {
                for (var line = client.ReadLine(); line != "END"; line = client.ReadLine())
                {
                    var parts = line.Split(' ');
                    Assert.True(parts.Length == 4 && parts[0] == "VALUE", $"unexpected reply line from {address}: {line}");
                    var value = TextClient.Text(client.ReadExact(int.Parse(parts[3], CultureInfo.InvariantCulture)));
                    client.ReadExact(2);
                    Assert.Equal(parts[1], value); // every key was stored with itself as the value
                    perServer[s]++;
                    found++;
                }
            }
        }
        return (found, perServer);
    }
}
