using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Client.Tests.Connections;

/// <summary>What the client does when a server dies, hangs, or comes back.</summary>
public sealed class FailureTests
{
    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static HoardClientOptions Options(IEnumerable<string> servers, TimeSpan timeout, int failureLimit = 2, TimeSpan? retry = null)
    {
        var options = new HoardClientOptions
        {
            OperationTimeout = timeout,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            FailureLimit = failureLimit,
            RetryTimeout = retry ?? TimeSpan.FromSeconds(30),
        };
        foreach (var server in servers)
            options.Servers.Add(server);
        return options;
    }

    [Fact]
    public async Task A_dead_server_fails_its_keys_loudly_then_is_ejected_and_its_keys_move_to_the_others()
    {
        var servers = await TestServers.StartManyAsync(ServerKind.Memcached, 3);
        try
        {
            await using var client = new HoardClient(Options(servers.Select(s => s.Address), TimeSpan.FromSeconds(5)));
            var keys = Enumerable.Range(0, 300).Select(i => "k" + i).ToArray();
            foreach (var key in keys)
                Assert.True(await client.SetAsync(key, B(key)));

            var victim = servers[1];
            var victimKeys = keys.Where(k => client.Locate(k).HostPort == victim.Address).ToArray();
            Assert.NotEmpty(victimKeys);
            await victim.DisposeAsync();

            // Failures surface as exceptions: never a silent miss. TryGetAsync says the same as a status.
            var first = await Assert.ThrowsAnyAsync<HoardException>(async () => await client.GetAsync(victimKeys[0]));
            Assert.Contains(victim.Address, first.Message, StringComparison.Ordinal);
            var status = await client.TryGetAsync(victimKeys[0]);
            Assert.Equal(CacheResultStatus.Failed, status.Status);
            Assert.NotNull(status.Error);

            // After the failure limit the server is out of the ring: its keys now live on the others (as misses
            // there), and the other servers' keys were never affected.
            var deadline = Stopwatch.StartNew();
            while (client.Locate(victimKeys[0]).HostPort == victim.Address && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                try
                {
                    await client.GetAsync(victimKeys[0]);
                }
                catch (HoardException)
                {
                }
            }
            Assert.NotEqual(victim.Address, client.Locate(victimKeys[0]).HostPort);
            Assert.All(victimKeys, k => Assert.NotEqual(victim.Address, client.Locate(k).HostPort));
            Assert.Null(await client.GetAsync(victimKeys[0]));
            foreach (var key in keys.Except(victimKeys))
                Assert.Equal(key, Encoding.UTF8.GetString(Assert.NotNull(await client.GetAsync(key)).Value.Span));
        }
        finally
        {
            foreach (var server in servers)
                await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_hanging_server_times_out_with_the_numbers_while_1000_callers_on_healthy_servers_keep_being_served()
    {
        var healthy = await TestServers.StartManyAsync(ServerKind.Hoard, 2);
        using var blackHole = new BlackHoleServer();
        try
        {
            var addresses = healthy.Select(s => s.Address).Append(blackHole.Address).ToArray();
            await using var client = new HoardClient(Options(addresses, TimeSpan.FromSeconds(3), failureLimit: 0));
            var keys = Enumerable.Range(0, 1000).Select(i => "c" + i).ToArray();
            var onHealthy = keys.Where(k => client.Locate(k).HostPort != blackHole.Address).ToArray();
            var onHole = keys.Where(k => client.Locate(k).HostPort == blackHole.Address).ToArray();
            Assert.NotEmpty(onHole);

            var healthyWork = onHealthy.Select(async key =>
            {
                Assert.True(await client.SetAsync(key, B(key)));
                Assert.Equal(key, Encoding.UTF8.GetString(Assert.NotNull(await client.GetAsync(key)).Value.Span));
            }).ToList();
            var holeWork = onHole.Select(key => client.GetAsync(key).AsTask()).ToList();

            await Task.WhenAll(healthyWork).WaitAsync(TimeSpan.FromSeconds(30));
            var timeout = await Assert.ThrowsAsync<HoardTimeoutException>(() => holeWork[0]);
            Assert.Contains("requests in flight", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("thread pool", timeout.Message, StringComparison.Ordinal);
            foreach (var task in holeWork)
                await Assert.ThrowsAnyAsync<HoardException>(() => task);
        }
        finally
        {
            foreach (var server in healthy)
                await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_ejected_server_is_probed_after_the_retry_time_and_taken_back()
    {
        await using var first = await TestServers.StartAsync(ServerKind.Hoard);
        using var placeholder = new TcpListener(IPAddress.Loopback, 0);
        placeholder.Start();
        int port = ((IPEndPoint)placeholder.LocalEndpoint).Port;
        placeholder.Stop(); // nothing listens there: connections are refused
        string down = "127.0.0.1:" + port;
        await using var client = new HoardClient(Options([first.Address, down], TimeSpan.FromSeconds(5), failureLimit: 1, retry: TimeSpan.FromSeconds(4)));
        var key = Enumerable.Range(0, 1000).Select(i => "r" + i).First(k => client.Locate(k).HostPort == down);

        await Assert.ThrowsAnyAsync<HoardException>(async () => await client.GetAsync(key));
        await WaitUntil(() => client.Locate(key).HostPort == first.Address);
        Assert.True(await client.SetAsync(key, B("while ejected")));

        // After the retry time the server is back in the ring (and fails again, as it is still down).
        await WaitUntil(() => client.Locate(key).HostPort == down);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                Assert.Fail("condition not reached within 20 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Accepts connections and reads everything, answering nothing: a hung server.</summary>
    private sealed class BlackHoleServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public BlackHoleServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Address => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                    socket.Dispose();
            }
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                        _accepted.Add(socket);
                    _ = DrainAsync(socket);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task DrainAsync(Socket socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
