using System.Diagnostics;
using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Hardening;

/// <summary><c>-o idle_timeout</c> on both transports: a silent connection is closed, a busy one is not.</summary>
public sealed class IdleTimeoutTests
{
    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Silent_connection_is_closed_while_an_active_one_stays(TransportKind transport)
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = transport, Threads = 2, IdleTimeout = TimeSpan.FromSeconds(1) });
        await server.StartAsync();
        using var silent = new RawClient(server.TcpEndPoints[0]);
        using var active = new RawClient(server.TcpEndPoints[0]);
        var clock = Stopwatch.StartNew();
        // Three times the timeout, with a request every 300 ms on the active connection.
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            active.Send("version\r\n");
            Assert.StartsWith("VERSION ", active.ReadUntil("\r\n"), StringComparison.Ordinal);
            await Task.Delay(300);
        }
        Assert.True(silent.WaitForClose(out _), "the silent connection was not closed");
        Assert.Equal(1, server.Context.Statistics.IdleKicks);
        active.Send("version\r\n");
        Assert.StartsWith("VERSION ", active.ReadUntil("\r\n"), StringComparison.Ordinal);
    }
}
