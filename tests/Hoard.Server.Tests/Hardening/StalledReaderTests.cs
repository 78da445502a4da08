using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Tests.Network;
using Xunit.Abstractions;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// A client that pipelines thousands of <c>get</c>s of a large value and never reads the replies: the server stops
/// reading from it once its reply cannot be sent (back-pressure), so the connection's buffers stay bounded
/// while gigabytes of replies are asked for, other clients are served meanwhile, and with <c>idle_timeout</c> the
/// stalled connection (which does nothing while its socket is full) is closed.
/// </summary>
public sealed class StalledReaderTests(ITestOutputHelper output)
{
    private const int ValueSize = 512 * 1024;

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Client_that_never_reads_is_stalled_with_bounded_buffers(TransportKind transport)
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = transport, Threads = 2, MaxItemSize = 1024 * 1024 });
        await server.StartAsync();
        var endPoint = server.TcpEndPoints[0];
        StoreBigValue(endPoint);
        long heapBefore = SettledHeap();

        using var greedy = new GreedyClient(endPoint);
        var stalled = await greedy.SendUntilBlockedAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"{transport}: the server stopped reading after {greedy.Sent:N0} bytes of requests ({greedy.Sent / 9:N0} gets, {greedy.Sent / 9 * (long)ValueSize / (1L << 20):N0} MiB of replies asked for)");
        Assert.True(stalled, "the client's requests never backed up: the server kept reading without sending");

        // The stall persists without growing the server: the heap holds at most a few receive and reply buffers.
        await Task.Delay(500);
        long growth = SettledHeap() - heapBefore;
        output.WriteLine($"{transport}: managed heap grew {growth / 1024:N0} KiB while stalled");
        Assert.True(growth < 16L * 1024 * 1024, $"managed heap grew by {growth:N0} bytes while a client was stalled");

        using var other = new RawClient(endPoint);
        other.Send("get missing\r\n");
        Assert.Equal("END\r\n", other.ReadUntil("END\r\n"));
        other.Send("version\r\n");
        Assert.StartsWith("VERSION ", other.ReadUntil("\r\n"), StringComparison.Ordinal);
        // Without idle_timeout the stalled connection stays, as in memcached.
        Assert.Equal(2, server.Context.Statistics.CurrentConnections);
    }

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Stalled_client_is_closed_by_the_idle_timeout(TransportKind transport)
    {
        await using var server = new HoardServer(new ServerOptions
        {
            Port = 0,
            Transport = transport,
            Threads = 2,
            MaxItemSize = 1024 * 1024,
            IdleTimeout = TimeSpan.FromSeconds(1),
        });
        await server.StartAsync();
        var endPoint = server.TcpEndPoints[0];
        StoreBigValue(endPoint);

        using var greedy = new GreedyClient(endPoint);
        Assert.True(await greedy.SendUntilBlockedAsync(TimeSpan.FromSeconds(15)), "the client's requests never backed up");
        var clock = Stopwatch.StartNew();
        while (server.Context.Statistics.CurrentConnections > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        output.WriteLine($"{transport}: stalled connection closed {clock.ElapsedMilliseconds} ms after the client blocked; idle kicks {server.Context.Statistics.IdleKicks}");
        Assert.Equal(0, server.Context.Statistics.CurrentConnections);
        Assert.Equal(1, server.Context.Statistics.IdleKicks);
        // The client sees the close once it reads what was sent before it.
        Assert.True(greedy.DrainUntilClosed(TimeSpan.FromSeconds(10)), "the client did not see the connection close");
    }

    private static void StoreBigValue(EndPoint endPoint)
    {
        using var writer = new RawClient(endPoint);
        writer.Send($"set big 0 0 {ValueSize}\r\n{new string('v', ValueSize)}\r\n");
        Assert.Equal("STORED\r\n", writer.ReadUntil("\r\n"));
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Pipelines <c>get big</c> in batches of 1,000 and never reads, until a send blocks for a second.</summary>
    private sealed class GreedyClient : IDisposable
    {
        private static readonly byte[] Batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("get big\r\n", 1000)));
        private readonly Socket _socket;

        public GreedyClient(EndPoint endPoint)
        {
            _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = 1000 };
            _socket.Connect(endPoint);
        }

        public long Sent { get; private set; }

        /// <summary>True once a send could not complete within a second: the server has stopped reading.</summary>
        public Task<bool> SendUntilBlockedAsync(TimeSpan limit) => Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit)
            {
                try
                {
                    Sent += _socket.Send(Batch);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    return true;
                }
            }
            return false;
        });

        /// <summary>Reads everything the server sent; true when the connection then turned out closed.</summary>
        public bool DrainUntilClosed(TimeSpan limit)
        {
            _socket.ReceiveTimeout = (int)limit.TotalMilliseconds;
            var buffer = new byte[256 * 1024];
            try
            {
                while (_socket.Receive(buffer) > 0)
                {
                }
                return true;
            }
            catch (SocketException ex)
            {
                return ex.SocketErrorCode is not (SocketError.TimedOut or SocketError.WouldBlock);
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
