using System.Text;
using Hoard.Client.Discovery;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Connections;

/// <summary>The client following a changing server list: the ring is swapped, requests in flight finish.</summary>
public sealed class TopologyChangeTests
{
    private sealed class ListDiscovery(IEnumerable<string> servers) : IServerDiscovery
    {
        public IReadOnlyList<ServerEndPoint> Current { get; private set; } = [.. servers.Select(ServerEndPoint.Parse)];

        public event Action<IReadOnlyList<ServerEndPoint>>? Changed;

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Publish(IEnumerable<string> servers)
        {
            Current = [.. servers.Select(ServerEndPoint.Parse)];
            Changed?.Invoke(Current);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Adding_a_server_moves_about_its_share_of_keys_and_no_request_fails()
    {
        var servers = await TestServers.StartManyAsync(ServerKind.Hoard, 4);
        try
        {
            var discovery = new ListDiscovery(servers.Take(3).Select(s => s.Address));
            await using var client = new HoardClient(new HoardClientOptions { Discovery = discovery, OperationTimeout = TimeSpan.FromSeconds(10) });
            var keys = Enumerable.Range(0, 4000).Select(i => "t" + i).ToArray();
            var before = keys.ToDictionary(k => k, k => client.Locate(k).HostPort);

            // Keep requests flowing while the list changes underneath them.
            using var stop = new CancellationTokenSource();
            var traffic = Task.Run(async () =>
            {
                int n = 0;
                while (!stop.IsCancellationRequested)
                {
                    string key = keys[n++ % keys.Length];
                    await client.SetAsync(key, Encoding.UTF8.GetBytes(key));
                }
                return n;
            });
            await Task.Delay(200);
            discovery.Publish(servers.Select(s => s.Address));
            await Task.Delay(200);
            await stop.CancelAsync();
            Assert.True(await traffic > 0);

            Assert.Equal(4, client.Servers.Count);
            double moved = keys.Count(k => client.Locate(k).HostPort != before[k]) / (double)keys.Length;
            Assert.InRange(moved, 0.15, 0.35); // ketama: about 1/4 move to the new server
            Assert.All(keys.Where(k => client.Locate(k).HostPort != before[k]), k => Assert.Equal(servers[3].Address, client.Locate(k).HostPort));

            discovery.Publish(servers.Take(2).Select(s => s.Address));
            Assert.Equal(2, client.Servers.Count);
            Assert.True(await client.SetAsync("after-shrink", Encoding.UTF8.GetBytes("x")));
            Assert.Equal("x", await client.GetStringAsync("after-shrink"));
        }
        finally
        {
            foreach (var server in servers)
                await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_whose_discovery_found_nothing_yet_fails_requests_clearly_and_works_once_servers_appear()
    {
        await using var server = await TestServers.StartAsync(ServerKind.Hoard);
        var discovery = new ListDiscovery([]);
        await using var client = new HoardClient(new HoardClientOptions { Discovery = discovery });
        var error = await Assert.ThrowsAsync<HoardConnectionException>(async () => await client.GetAsync("k"));
        Assert.Contains("no cache servers are known yet", error.Message, StringComparison.Ordinal);
        discovery.Publish([server.Address]);
        Assert.True(await client.SetAsync("k", Encoding.UTF8.GetBytes("v")));
        Assert.Equal("v", await client.GetStringAsync("k"));
    }
}
