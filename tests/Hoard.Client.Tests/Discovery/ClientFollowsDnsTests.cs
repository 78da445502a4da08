using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Server;

namespace Hoard.Client.Tests.Discovery;

/// <summary>
/// The whole path: a Kubernetes-style headless service name served by a real DNS server (dnsmasq), a
/// HoardClient configured with only that name, real servers behind the records, and the records changing.
/// </summary>
public sealed class ClientFollowsDnsTests
{
    private const string ServiceName = "mycache-hoard.default.svc.cluster.local";

    [Fact]
    public async Task The_client_follows_the_pods_behind_a_headless_service_name()
    {
        // Four "pods": servers on 127.0.0.1-4, all on one port, as pods share their container port.
        int port = FreePort();
        var servers = new List<HoardServer>();
        try
        {
            for (int i = 1; i <= 4; i++)
            {
                var options = new ServerOptions { Port = port, Threads = 1 };
                options.ListenAddresses.Clear();
                options.ListenAddresses.Add($"127.0.0.{i}");
                var server = new HoardServer(options);
                await server.StartAsync();
                servers.Add(server);
            }
            using var dns = await DnsmasqServer.StartAsync(Pods(3));
            var clientOptions = new HoardClientOptions
            {
                DiscoveryUri = $"dns://{ServiceName}:{port}?interval=200ms&nameserver=127.0.0.1:{dns.Port}",
                OperationTimeout = TimeSpan.FromSeconds(10),
            };
            await using var client = new HoardClient(clientOptions);
            await Eventually.TrueAsync(() => client.Servers.Count == 3, "the client found 3 servers");

            var keys = Enumerable.Range(0, 2000).Select(i => "dns" + i).ToArray();
            foreach (var key in keys)
                Assert.True(await client.SetAsync(key, Encoding.UTF8.GetBytes(key)));
            var before = keys.ToDictionary(k => k, k => client.Locate(k).HostPort);

            dns.SetHosts(Pods(4));
            await Eventually.TrueAsync(() => client.Servers.Count == 4, "the client found the 4th server");
            double moved = keys.Count(k => client.Locate(k).HostPort != before[k]) / (double)keys.Length;
            Assert.InRange(moved, 0.15, 0.35);
            // Keys that did not move are still readable where they were written.
            foreach (var key in keys.Where(k => client.Locate(k).HostPort == before[k]).Take(300))
                Assert.Equal(key, await client.GetValueAsync<string>(key));

            dns.SetHosts(Pods(2));
            await Eventually.TrueAsync(() => client.Servers.Count == 2, "the client dropped to 2 servers");
            Assert.All(keys, k => Assert.DoesNotContain("127.0.0.3", client.Locate(k).HostPort, StringComparison.Ordinal));
            Assert.True(await client.SetValueAsync("after", "x"));
            Assert.Equal("x", await client.GetValueAsync<string>("after"));
        }
        finally
        {
            foreach (var server in servers)
                await server.DisposeAsync();
        }
    }

    private static IEnumerable<(string Address, string[] Names)> Pods(int count) =>
        Enumerable.Range(1, count).Select(i => ($"127.0.0.{i}", new[] { ServiceName, $"mycache-hoard-{i - 1}.{ServiceName}" }));

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
