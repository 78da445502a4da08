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
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = transport, Threads = 2, IdleTimeout = TimeSpan.FromSeconds(2) });
        await server.StartAsync();
        using var silent = new RawClient(server.TcpEndPoints[0]);
        using var active = new RawClient(server.TcpEndPoints[0]);
        var clock = Stopwatch.StartNew();
        // Over twice the timeout, with a request every 250 ms on the active connection. A blocking sleep, not
        // Task.Delay: with the suite's other tests loading both cores a pool timer can fire late by a second.
        var gap = TimeSpan.Zero;
        var last = clock.Elapsed;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            active.Send("version\r\n");
            Assert.StartsWith("VERSION ", active.ReadUntil("\r\n"), StringComparison.Ordinal);
            Thread.Sleep(250);
            gap = clock.Elapsed - last > gap ? clock.Elapsed - last : gap;
            last = clock.Elapsed;
        }
        Assert.True(gap < TimeSpan.FromSeconds(2), $"the machine stalled the test for {gap.TotalMilliseconds:F0} ms; it proves nothing");
        Assert.True(silent.WaitForClose(out _), "the silent connection was not closed");
        Assert.Equal(1, server.Context.Statistics.IdleKicks);
        active.Send("version\r\n");
        Assert.StartsWith("VERSION ", active.ReadUntil("\r\n"), StringComparison.Ordinal);
    }
}
