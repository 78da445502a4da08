using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// <c>-c</c> under a flood: twice the limit of connections arriving at once. Exactly the limit is served; every
/// extra connection is told <c>ERROR Too many open connections</c> and closed; an established client keeps
/// getting answers while it happens; and once the flood goes away, new clients are admitted again.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int Limit = 16;

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Flood_of_twice_the_limit_is_refused_cleanly_while_an_established_client_keeps_working(TransportKind transport)
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = transport, Threads = 2, MaxConnections = Limit });
        await server.StartAsync();
        var endPoint = server.TcpEndPoints[0];
        using var established = new RawClient(endPoint);
        established.Send("set steady 0 0 2\r\nok\r\n");
        Assert.Equal("STORED\r\n", established.ReadUntil("\r\n"));

        // The established client works throughout the flood.
        using var flooding = new CancellationTokenSource();
        int answered = 0;
        var steady = Task.Run(() =>
        {
            while (!flooding.IsCancellationRequested)
            {
                established.Send("get steady\r\n");
                Assert.Equal("VALUE steady 0 2\r\nok\r\nEND\r\n", established.ReadUntil("END\r\n"));
                answered++;
            }
        });

        var flood = await Task.WhenAll(Enumerable.Range(0, 2 * Limit).Select(_ => Task.Run(() => Connect(endPoint))));
        try
        {
            var outcomes = flood.Select(Probe).ToList();
            int served = outcomes.Count(o => o == "served");
            int refused = outcomes.Count(o => o == "refused");
            Assert.True(outcomes.All(o => o is "served" or "refused"), "unexpected outcomes: " + string.Join(", ", outcomes.Distinct()));
            Assert.Equal(Limit - 1, served);
            Assert.Equal(Limit + 1, refused);
            Assert.Equal(Limit, server.Context.Statistics.CurrentConnections);
            Assert.True(server.Context.Statistics.RejectedConnections >= Limit + 1);
        }
        finally
        {
            foreach (var socket in flood)
                socket.Dispose();
        }
        await Task.Delay(200);
        await flooding.CancelAsync();
        await steady;
        Assert.True(answered > 0, "the established client got no answer during the flood");

        // Once the flood is gone, the server admits new clients again.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (server.Context.Statistics.CurrentConnections > 1 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        using var after = new RawClient(endPoint);
        after.Send("get steady\r\n");
        Assert.Equal("VALUE steady 0 2\r\nok\r\nEND\r\n", after.ReadUntil("END\r\n"));
    }

    private static Socket Connect(EndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        socket.Connect(endPoint);
        return socket;
    }

    /// <summary>"served" when the connection answers a request, "refused" when it got the limit message and was closed.</summary>
    private static string Probe(Socket socket)
    {
        try
        {
            socket.Send("version\r\n"u8);
        }
        catch (SocketException)
        {
            // Already closed after the refusal; what it received says why.
        }
        var received = new StringBuilder();
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                int n = socket.Receive(buffer);
                if (n == 0)
                    break;
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                if (received.ToString().StartsWith("VERSION ", StringComparison.Ordinal) && received.ToString().EndsWith("\r\n", StringComparison.Ordinal))
                    return "served";
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        return received.ToString() == "ERROR Too many open connections\r\n" ? "refused" : $"'{received}'";
    }
}
