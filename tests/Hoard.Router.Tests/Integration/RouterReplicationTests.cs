using System.Globalization;
using Hoard.Client;
using Hoard.Integration.Tests.Infrastructure;
using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Integration;

/// <summary>Replication, warm-up, key placement, pooling and live reconfiguration against real memcached processes.</summary>
public sealed class RouterReplicationTests
{
    [Fact]
    public async Task All_sync_route_writes_every_replica()
    {
        await using var a = Memcached.Start();
        await using var b = Memcached.Start();
        await using var router = await RouterHarness.StartAsync($$"""
            { "pools": { "A": { "servers": ["{{a.Address}}"] }, "B": { "servers": ["{{b.Address}}"] } },
              "route": { "type": "OperationSelectorRoute",
                         "operation_policies": { "get": { "type": "FailoverRoute", "children": ["PoolRoute|A", "PoolRoute|B"] } },
                         "default_policy": { "type": "AllSyncRoute", "children": ["PoolRoute|A", "PoolRoute|B"] } } }
            """);
        using var client = router.Connect();
        Assert.Equal("STORED", client.Call("set replicated 0 0 5\r\nhello"));
        using (var directA = TextClient.Connect(a.Port))
            Assert.Equal("hello", directA.Get("replicated"));
        using (var directB = TextClient.Connect(b.Port))
            Assert.Equal("hello", directB.Get("replicated"));
        Assert.Equal("DELETED", client.Call("delete replicated"));
        using (var directB = TextClient.Connect(b.Port))
            Assert.Null(directB.Get("replicated"));
    }

    [Fact]
    public async Task Warm_up_route_fills_the_cold_pool_from_the_warm_one()
    {
        await using var cold = Memcached.Start();
        await using var warm = Memcached.Start();
        using (var direct = TextClient.Connect(warm.Port))
            Assert.Equal("STORED", direct.Store("set", "film:1", "ACADEMY DINOSAUR", flags: 7));
        await using var router = await RouterHarness.StartAsync($$"""
            { "pools": { "cold": { "servers": ["{{cold.Address}}"] }, "warm": { "servers": ["{{warm.Address}}"] } },
              "route": { "type": "WarmUpRoute", "cold": "PoolRoute|cold", "warm": "PoolRoute|warm", "exptime": 3600 } }
            """);
        using var client = router.Connect();
        client.Send("get film:1\r\n");
        Assert.Equal("VALUE film:1 7 16\r\nACADEMY DINOSAUR\r\nEND\r\n", client.ReadReply(3));
        using var coldClient = TextClient.Connect(cold.Port);
        Assert.True(await RouterHarness.EventuallyAsync(() => coldClient.Get("film:1") == "ACADEMY DINOSAUR", TimeSpan.FromSeconds(10)), "the cold pool was not filled");
        coldClient.Send("mg film:1 f t\r\n");
        var line = coldClient.ReadLine();
        Assert.StartsWith("HD f7 t", line, StringComparison.Ordinal);
        Assert.InRange(long.Parse(line.Split(' ')[2][1..], CultureInfo.InvariantCulture), 3500, 3600);
        // Writes go to the cold pool only.
        Assert.Equal("STORED", client.Call("set new 0 0 1\r\nn"));
        using var warmClient = TextClient.Connect(warm.Port);
        Assert.Null(warmClient.Get("new"));
        Assert.Equal("1", client.Stats()["warmup_fills"]);
    }

    [Fact]
    public async Task Keys_land_where_Hoard_Client_puts_them()
    {
        var servers = new[] { Memcached.Start(), Memcached.Start(), Memcached.Start(), Memcached.Start() };
        try
        {
            string list = string.Join(", ", servers.Select(s => $"\"{s.Address}\""));
            await using var router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": [{{list}}] } }, "route": "PoolRoute|A" }""");
            using (var client = router.Connect())
            {
                for (int i = 0; i < 400; i++)
                    Assert.Equal("STORED", client.Set("spread:" + i, "v" + i));
            }
            var options = new HoardClientOptions();
            foreach (var server in servers)
                options.Servers.Add(server.Address);
            await using var hoard = new HoardClient(options);
            var byServer = servers.ToDictionary(s => s.Address, s => TextClient.Connect(s.Port));
            try
            {
                for (int i = 0; i < 400; i++)
                {
                    string key = "spread:" + i;
                    string owner = hoard.Locate(key).HostPort;
                    Assert.Equal("v" + i, byServer[owner].Get(key));
                }
                Assert.All(byServer.Values, c => Assert.InRange(c.Stat("curr_items"), 40, 200));
            }
            finally
            {
                foreach (var c in byServer.Values)
                    c.Dispose();
            }
        }
        finally
        {
            foreach (var s in servers)
                await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_thousand_client_connections_share_a_few_upstream_connections()
    {
        await using var server = Memcached.Start();
        await using var router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""");
        long before;
        using (var direct = TextClient.Connect(server.Port))
            before = direct.Stat("curr_connections");
        var clients = new List<TextClient>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                var client = router.Connect();
                clients.Add(client);
                client.Send($"set c{i} 0 0 1\r\nx\r\n");
            }
            foreach (var client in clients)
                Assert.Equal("STORED", client.ReadLine());
            using var direct = TextClient.Connect(server.Port);
            long during = direct.Stat("curr_connections");
            // The router's connections (2 per server by default) plus this one; not a thousand.
            Assert.InRange(during - before, 1, 3);
            Assert.Equal("1000", clients[0].Stats()["curr_connections"]);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public async Task Config_reload_under_load_loses_no_request_and_a_broken_config_keeps_the_old_one()
    {
        await using var a = Memcached.Start();
        await using var b = Memcached.Start();
        string toA = $$"""{ "pools": { "A": { "servers": ["{{a.Address}}"] } }, "route": "PoolRoute|A" }""";
        string toB = $$"""{ "pools": { "B": { "servers": ["{{b.Address}}"] } }, "route": "PoolRoute|B" }""";
        await using var router = await RouterHarness.StartAsync(toA);
        using var stop = new CancellationTokenSource();
        int errors = 0, done = 0, misses = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            using var client = router.Connect();
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                string key = $"load:{worker}:{n++}";
                // Pipelined pairs: a set and a get in one write.
                client.Send($"set {key} 0 0 1\r\nx\r\nget {key}\r\n");
                if (client.ReadLine() != "STORED")
                    Interlocked.Increment(ref errors);
                // A get may miss when its set went to the old pool and it to the new one; it must never fail.
                var lines = client.ReadLinesUntil("END");
                if (lines.Count == 0)
                    Interlocked.Increment(ref misses);
                else if (lines.Count != 2 || lines[1] != "x")
                    Interlocked.Increment(ref errors);
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        await Task.Delay(300);
        for (int i = 0; i < 6; i++)
        {
            await router.ReplaceConfigAsync(i % 2 == 0 ? toB : toA);
            // Each swap is seen before the next: two swaps within one poll would cancel out (same content).
            int expected = i + 1;
            Assert.True(await RouterHarness.EventuallyAsync(() => router.Router.Core.Reloads >= expected, TimeSpan.FromSeconds(15)), $"reload {expected} not seen");
            await Task.Delay(200);
        }
        // A broken file is refused; the last good config (A) keeps serving.
        await router.ReplaceConfigAsync("{ \"pools\": { \"A\": { \"servers\": [\"nope\"] } }, \"route\": \"PoolRoute|A\" ");
        await Task.Delay(600);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, errors);
        Assert.True(done > 50, $"only {done} requests ran");
        Assert.True(misses < done / 10, $"{misses} of {done} gets missed");
        using var client = router.Connect();
        var stats = client.Stats();
        Assert.True(long.Parse(stats["config_reloads"], CultureInfo.InvariantCulture) >= 6, stats["config_reloads"]);
        Assert.Equal("1", stats["config_reload_errors"]);
        Assert.Contains("not_valid_JSON", stats["config_last_error"], StringComparison.Ordinal);
        Assert.Equal("STORED", client.Set("final", "a"));
        using var directA = TextClient.Connect(a.Port);
        Assert.Equal("a", directA.Get("final"));
    }
}
