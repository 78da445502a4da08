using System.Globalization;
using System.Net;
using Hoard.Client.Tests.Discovery;
using Hoard.Integration.Tests.Infrastructure;
using Hoard.Router.Routes;
using Hoard.Router.Tests.Infrastructure;
using Hoard.Server;

namespace Hoard.Router.Tests.Integration;

/// <summary>
/// A pool named by a Kubernetes headless Service's DNS name (A records) or its SRV records, served by a real DNS
/// server (dnsmasq), followed by the router as the records change (issue 7's discovery test, router side).
/// </summary>
public sealed class RouterDiscoveryTests
{
    private const string ServiceName = "mycache-hoard.default.svc.cluster.local";

    [Fact]
    public async Task The_router_follows_the_pods_behind_a_headless_service_name_under_load()
    {
        int port = Memcached.FreePort();
        var pods = new List<HoardServer>();
        try
        {
            for (int i = 1; i <= 4; i++)
                pods.Add(await StartPodAsync(i, port));
            using var dns = await DnsmasqServer.StartAsync(Pods(3));
            await using var router = await RouterHarness.StartAsync($$"""
                { "pools": { "K": { "discovery": "dns://{{ServiceName}}:{{port}}?interval=200ms&nameserver=127.0.0.1:{{dns.Port}}" } },
                  "route": "PoolRoute|K" }
                """);
            var route = Assert.IsType<PoolRoute>(router.Router.Core.Table.Default);
            await Eventually.TrueAsync(() => route.Pool.Current.Servers.Length == 3, "the router found 3 pods");

            var keys = Enumerable.Range(0, 2000).Select(i => "dns" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var before = keys.ToDictionary(k => k, k => route.Locate(System.Text.Encoding.ASCII.GetBytes(k))!.Name);
            using var stop = new CancellationTokenSource();
            int errors = 0, requests = 0;
            var load = Task.Run(() =>
            {
                using var client = router.Connect();
                int n = 0;
                while (!stop.IsCancellationRequested)
                {
                    string key = keys[n++ % keys.Length];
                    if (client.Call($"set {key} 0 0 1\r\nx") != "STORED")
                        Interlocked.Increment(ref errors);
                    Interlocked.Increment(ref requests);
                }
            });

            // 3 -> 4: about a quarter of the keys move to the new pod (ketama).
            dns.SetHosts(Pods(4));
            await Eventually.TrueAsync(() => route.Pool.Current.Servers.Length == 4, "the router found the 4th pod");
            double moved = keys.Count(k => route.Locate(System.Text.Encoding.ASCII.GetBytes(k))!.Name != before[k]) / (double)keys.Length;
            Assert.InRange(moved, 0.15, 0.35);
            Assert.All(keys.Where(k => route.Locate(System.Text.Encoding.ASCII.GetBytes(k))!.Name != before[k]),
                k => Assert.StartsWith("127.0.0.4:", route.Locate(System.Text.Encoding.ASCII.GetBytes(k))!.Name, StringComparison.Ordinal));

            // 4 -> 2: the records go first, then the pods (a scale-down); nothing fails.
            dns.SetHosts(Pods(2));
            await Eventually.TrueAsync(() => route.Pool.Current.Servers.Length == 2, "the router dropped to 2 pods");
            await Task.Delay(300);
            await pods[3].DisposeAsync();
            await pods[2].DisposeAsync();
            int seen = Volatile.Read(ref requests);
            await Eventually.TrueAsync(() => Volatile.Read(ref requests) > seen + 200, "requests kept flowing");
            await stop.CancelAsync();
            await load;
            Assert.Equal(0, errors);
            Assert.All(keys, k => Assert.DoesNotContain("127.0.0.3", route.Locate(System.Text.Encoding.ASCII.GetBytes(k))!.Name, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var pod in pods)
                await pod.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pool_can_follow_srv_records()
    {
        int port = Memcached.FreePort();
        var pods = new List<HoardServer>();
        try
        {
            for (int i = 1; i <= 2; i++)
                pods.Add(await StartPodAsync(i, port));
            var srv = new Dictionary<string, SrvEntry[]>
            {
                ["_memcache._tcp." + ServiceName] = [new SrvEntry($"mycache-hoard-0.{ServiceName}", port), new SrvEntry($"mycache-hoard-1.{ServiceName}", port)],
            };
            using var dns = await DnsmasqServer.StartAsync(Pods(2), srv);
            await using var router = await RouterHarness.StartAsync($$"""
                { "pools": { "K": { "discovery": "srv://_memcache._tcp.{{ServiceName}}?interval=200ms&nameserver=127.0.0.1:{{dns.Port}}" } },
                  "route": "PoolRoute|K" }
                """);
            var route = Assert.IsType<PoolRoute>(router.Router.Core.Table.Default);
            await Eventually.TrueAsync(() => route.Pool.Current.Servers.Length == 2, "the router found 2 pods by SRV");
            using var client = router.Connect();
            for (int i = 0; i < 100; i++)
                Assert.Equal("STORED", client.Set("srv" + i.ToString(CultureInfo.InvariantCulture), "v"));
            foreach (var pod in pods)
            {
                using var direct = TextClient.Connect(((IPEndPoint)pod.TcpEndPoints[0]).Address, port);
                Assert.True(direct.Stat("curr_items") > 10);
            }
        }
        finally
        {
            foreach (var pod in pods)
                await pod.DisposeAsync();
        }
    }

    private static async Task<HoardServer> StartPodAsync(int index, int port)
    {
        var options = new ServerOptions { Port = port, Threads = 1 };
        options.ListenAddresses.Clear();
        options.ListenAddresses.Add($"127.0.0.{index}");
        var server = new HoardServer(options);
        await server.StartAsync();
        return server;
    }

    private static IEnumerable<(string Address, string[] Names)> Pods(int count) =>
        Enumerable.Range(1, count).Select(i => ($"127.0.0.{i}", new[] { ServiceName, $"mycache-hoard-{i - 1}.{ServiceName}" }));
}
