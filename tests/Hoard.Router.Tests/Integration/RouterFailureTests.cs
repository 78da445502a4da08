using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;
using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Integration;

/// <summary>Failover, TKO and recovery, and the delete log, with real memcached processes killed and restarted.</summary>
public sealed class RouterFailureTests
{
    private static Func<RouterOptions, RouterOptions> Fast(string? deleteLog = null) => o => new RouterOptions
    {
        ConfigPath = o.ConfigPath, Port = 0, ListenAddresses = o.ListenAddresses, Threads = 2,
        ServerTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromSeconds(1),
        TimeoutsUntilTko = 2, ProbeDelayInitial = TimeSpan.FromMilliseconds(200), ProbeDelayMax = TimeSpan.FromSeconds(1),
        ConfigPollInterval = TimeSpan.FromMilliseconds(200), DeleteLogPath = deleteLog,
    };

    [Fact]
    public async Task Killing_the_primary_mid_load_fails_over_without_errors_then_it_comes_back_from_tko()
    {
        await using var primary = Memcached.Start();
        await using var backup = Memcached.Start();
        await using var router = await RouterHarness.StartAsync($$"""
            { "pools": { "primary": { "servers": ["{{primary.Address}}"] }, "backup": { "servers": ["{{backup.Address}}"] } },
              "route": { "type": "FailoverRoute", "name": "main", "children": ["PoolRoute|primary", "PoolRoute|backup"] } }
            """, Fast());
        using var client = router.Connect();
        int errors = 0;
        for (int i = 0; i < 400; i++)
        {
            if (i == 100)
                primary.Kill();
            string reply = client.Call($"set k{i} 0 0 1\r\nx");
            if (reply != "STORED")
                errors++;
        }
        Assert.Equal(0, errors);
        var stats = client.Stats();
        Assert.True(long.Parse(stats["failovers"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal("1", stats["servers_tko"]);
        Assert.StartsWith("state=tko", client.Stats("servers")[primary.Address], StringComparison.Ordinal);
        Assert.True(long.Parse(client.Stats("routes")["failovers:FailoverRoute(main)"], CultureInfo.InvariantCulture) > 0);

        // Writes after the kill went to the backup.
        using (var direct = TextClient.Connect(backup.Port))
            Assert.Equal("x", direct.Get("k399"));

        primary.Restart();
        Assert.True(await RouterHarness.EventuallyAsync(() => client.Stats()["servers_tko"] == "0", TimeSpan.FromSeconds(15)), "the primary did not come back from TKO");
        Assert.Equal("STORED", client.Call("set after 0 0 1\r\ny"));
        using (var direct = TextClient.Connect(primary.Port))
            Assert.Equal("y", direct.Get("after"));
    }

    [Fact]
    public async Task Without_failover_a_dead_server_answers_errors_or_misses_as_configured()
    {
        await using var server = Memcached.Start();
        await using var router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""", Fast());
        await using var lenient = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""",
            o => new RouterOptions { ConfigPath = o.ConfigPath, Port = 0, ListenAddresses = o.ListenAddresses, GetErrorsAsMisses = true, ServerTimeout = TimeSpan.FromSeconds(1) });
        server.Kill();
        using var client = router.Connect();
        Assert.StartsWith("SERVER_ERROR", client.Call("get k"), StringComparison.Ordinal);
        Assert.StartsWith("SERVER_ERROR", client.Call("set k 0 0 1\r\nx"), StringComparison.Ordinal);
        using var other = lenient.Connect();
        Assert.Equal("END", other.Call("get k"));
        Assert.StartsWith("SERVER_ERROR", other.Call("set k 0 0 1\r\nx"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delete_to_a_dead_server_is_replayed_when_it_returns_even_after_a_router_restart()
    {
        await using var server = Memcached.Start();
        var directory = Directory.CreateTempSubdirectory("hoard-router-deletes-").FullName;
        string log = Path.Combine(directory, "deletes.log");
        string config = $$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""";
        try
        {
            await using (var router = await RouterHarness.StartAsync(config, Fast(log)))
            {
                using var client = router.Connect();
                Assert.Equal("STORED", client.Call("set stale 0 0 3\r\nold"));
                Assert.Equal("STORED", client.Call("set stale2 0 0 3\r\nold"));
                server.Kill();
                // The client hears the delete was taken; the log holds it.
                Assert.Equal("DELETED", client.Call("delete stale"));
                Assert.Equal("HD", client.Call("md stale2"));
                Assert.Equal("2", client.Stats()["delete_log_depth"]);
            }
            // The router is gone; the server comes back with the stale values (memcached keeps nothing when
            // killed, so store them again as a server that only lost its network would still hold them).
            server.Restart();
            using (var direct = TextClient.Connect(server.Port))
            {
                Assert.Equal("STORED", direct.Set("stale", "old"));
                Assert.Equal("STORED", direct.Set("stale2", "old"));
            }
            Assert.Equal(2, File.ReadAllLines(log).Length);
            await using (var restarted = await RouterHarness.StartAsync(config, Fast(log)))
            {
                using var client = restarted.Connect();
                Assert.True(await RouterHarness.EventuallyAsync(() => client.Stats()["delete_log_depth"] == "0", TimeSpan.FromSeconds(15)), "the logged deletes were not replayed");
                Assert.Null(client.Get("stale"));
                Assert.Null(client.Get("stale2"));
            }
            Assert.Empty(File.ReadAllLines(log));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_delete_logged_while_the_router_runs_is_replayed_once_the_server_is_back()
    {
        await using var server = Memcached.Start();
        var directory = Directory.CreateTempSubdirectory("hoard-router-deletes-").FullName;
        try
        {
            await using var router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""",
                Fast(Path.Combine(directory, "deletes.log")));
            using var client = router.Connect();
            server.Kill();
            Assert.Equal("DELETED", client.Call("delete k1"));
            // Make sure the server is TKO (probing) before it comes back with the stale value.
            Assert.True(await RouterHarness.EventuallyAsync(() => client.Call("get k1").StartsWith("SERVER_ERROR", StringComparison.Ordinal) && client.Stats()["servers_tko"] == "1", TimeSpan.FromSeconds(15)));
            server.Restart();
            using (var direct = TextClient.Connect(server.Port))
                Assert.Equal("STORED", direct.Set("k1", "stale"));
            // From the moment the server is back, reads through the router never see the deleted value: the log
            // is replayed before the server takes requests again.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            bool back = false;
            while (DateTime.UtcNow < deadline && !back)
            {
                string reply = client.Call("get k1");
                Assert.NotEqual("VALUE k1 0 5", reply);
                if (reply == "END")
                    back = true;
                else
                    Assert.StartsWith("SERVER_ERROR", reply, StringComparison.Ordinal);
            }
            Assert.True(back, "the server did not come back");
            Assert.Equal("0", client.Stats()["delete_log_depth"]);
            using (var direct = TextClient.Connect(server.Port))
                Assert.Null(direct.Get("k1"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
