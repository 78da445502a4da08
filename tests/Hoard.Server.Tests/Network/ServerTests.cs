using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Server.Tests.Network;

/// <summary>The real server, in process, over real TCP on a free loopback port; run once per transport.</summary>
public abstract class ServerTests : IAsyncLifetime
{
    private HoardServer _server = null!;

    protected abstract TransportKind Transport { get; }

    private EndPoint EndPoint => _server.TcpEndPoints[0];

    public async Task InitializeAsync()
    {
        var options = new ServerOptions { Port = 0, MaxItemSize = 64 * 1024, MemoryLimitBytes = 64L * 1024 * 1024, Threads = 2, Transport = Transport };
        _server = new HoardServer(options);
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Pipelined_commands_are_answered_in_order()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set a 0 0 1\r\n1\r\nset b 0 0 1\r\n2\r\nget a b missing\r\nincr a 5\r\ndelete b\r\nget b\r\n");
        string reply = client.ReadUntil("END\r\n6\r\nDELETED\r\nEND\r\n");
        Assert.Equal("STORED\r\nSTORED\r\nVALUE a 0 1\r\n1\r\nVALUE b 0 1\r\n2\r\nEND\r\n6\r\nDELETED\r\nEND\r\n", reply);
    }

    [Fact]
    public void Command_split_across_packets_is_reassembled()
    {
        using var client = new RawClient(EndPoint);
        client.Send("se");
        Thread.Sleep(50);
        client.Send("t k 3 0 5\r\nhel");
        Thread.Sleep(50);
        client.Send("lo\r\nget k\r\n");
        Assert.Equal("STORED\r\nVALUE k 3 5\r\nhello\r\nEND\r\n", client.ReadUntil("END\r\n"));
    }

    [Fact]
    public void Long_get_line_trickled_in_small_pieces_is_answered()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set t1 0 0 1\r\n1\r\n");
        client.ReadUntil("STORED\r\n");
        var line = "get " + string.Join(' ', Enumerable.Range(0, 400).Select(i => "t" + i)) + "\r\n";
        for (int i = 0; i < line.Length; i += 64)
            client.Send(line.Substring(i, Math.Min(64, line.Length - i)));
        Assert.Equal("VALUE t1 0 1\r\n1\r\nEND\r\n", client.ReadUntil("END\r\n"));
    }

    [Fact]
    public void Multi_get_larger_than_the_reply_buffer_returns_every_value()
    {
        using var client = new RawClient(EndPoint);
        var value = new string('v', 60_000);
        var keys = Enumerable.Range(0, 20).Select(i => "big" + i).ToArray();
        foreach (var key in keys)
        {
            client.Send($"set {key} 0 0 {value.Length}\r\n{value}\r\n");
            Assert.Equal("STORED\r\n", client.ReadUntil("\r\n"));
        }
        client.Send("get " + string.Join(' ', keys) + "\r\n");
        var reply = client.ReadUntil("END\r\n");
        var expected = new StringBuilder();
        foreach (var key in keys)
            expected.Append($"VALUE {key} 0 {value.Length}\r\n{value}\r\n");
        expected.Append("END\r\n");
        Assert.Equal(expected.ToString(), reply);
    }

    [Fact]
    public void Too_large_value_is_refused_its_data_skipped_and_the_connection_keeps_working()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set k 0 0 1\r\nx\r\n");
        client.ReadUntil("STORED\r\n");
        var big = new string('z', 100_000);
        client.Send($"set k 0 0 {big.Length}\r\n{big}\r\nget k\r\n");
        // Like memcached, the failed set also removes the old value.
        Assert.Equal("SERVER_ERROR object too large for cache\r\nEND\r\n", client.ReadUntil("END\r\n"));
    }

    [Fact]
    public void Line_too_long_closes_the_connection_but_not_the_server()
    {
        using (var client = new RawClient(EndPoint))
        {
            client.Send(new string('x', 5000));
            Assert.True(client.WaitForClose(out var trailing));
            Assert.StartsWith("CLIENT_ERROR line too long", trailing, StringComparison.Ordinal);
        }
        using var other = new RawClient(EndPoint);
        other.Send("version\r\n");
        Assert.StartsWith("VERSION 1.6.18", other.ReadUntil("\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_on_one_connection_does_not_disturb_another()
    {
        using var good = new RawClient(EndPoint);
        using var bad = new RawClient(EndPoint);
        good.Send("set shared 0 0 4\r\nsafe\r\n");
        good.ReadUntil("STORED\r\n");
        bad.Send("set shared 0 0 4\r\nTOOLONGDATA\r\nset shared 0 0 abc\r\n\u0000\u0001garbage\r\n");
        bad.ReadUntil("ERROR\r\n");
        good.Send("get shared\r\n");
        Assert.Equal("VALUE shared 0 4\r\nsafe\r\nEND\r\n", good.ReadUntil("END\r\n"));
    }

    [Fact]
    public void Stats_reports_connections_and_items()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set s 0 0 1\r\n1\r\nstats\r\n");
        var reply = client.ReadUntil("END\r\n");
        Assert.Contains("STAT curr_items ", reply, StringComparison.Ordinal);
        Assert.Contains("STAT curr_connections ", reply, StringComparison.Ordinal);
        Assert.Contains("STAT limit_maxbytes 67108864\r\n", reply, StringComparison.Ordinal);
        client.Send("stats settings\r\n");
        Assert.Contains("STAT item_size_max 65536\r\n", client.ReadUntil("END\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_detail_counts_per_prefix()
    {
        using var client = new RawClient(EndPoint);
        client.Send("stats detail on\r\n");
        Assert.Equal("OK\r\n", client.ReadUntil("\r\n"));
        client.Send("set user:1 0 0 1\r\nx\r\nget user:1\r\nget user:2\r\ndelete user:1\r\n");
        client.ReadUntil("DELETED\r\n");
        client.Send("stats detail dump\r\n");
        Assert.Equal("PREFIX user get 2 hit 1 set 1 del 1\r\nEND\r\n", client.ReadUntil("END\r\n"));
        client.Send("stats detail off\r\n");
        Assert.Equal("OK\r\n", client.ReadUntil("\r\n"));
    }

    [Fact]
    public void Get_with_an_invalid_key_answers_only_the_error()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set x 0 0 1\r\n1\r\n");
        client.ReadUntil("STORED\r\n");
        client.Send($"get x {new string('k', 251)} x\r\n");
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", client.ReadUntil("format\r\n"));
    }

    [Fact]
    public void Commands_pipelined_before_the_client_stops_sending_are_all_answered()
    {
        using var client = new RawClient(EndPoint);
        var batch = new StringBuilder();
        for (int i = 0; i < 100; i++)
            batch.Append($"set p{i} 0 0 1\r\nx\r\n");
        client.Send(batch.ToString());
        client.ShutdownSend();
        Assert.True(client.WaitForClose(out var replies));
        Assert.Equal(100, replies.Split("STORED\r\n").Length - 1);
        using var check = new RawClient(EndPoint);
        check.Send("get p0 p99\r\n");
        Assert.Equal("VALUE p0 0 1\r\nx\r\nVALUE p99 0 1\r\nx\r\nEND\r\n", check.ReadUntil("END\r\n"));
    }

    [Fact]
    public void Shutdown_is_refused_without_the_A_flag()
    {
        using var client = new RawClient(EndPoint);
        client.Send("shutdown\r\n");
        Assert.Equal("ERROR: shutdown not enabled\r\n", client.ReadUntil("\r\n"));
    }

    [Fact]
    public async Task Many_clients_incrementing_one_key_lose_no_update()
    {
        using (var setup = new RawClient(EndPoint))
        {
            setup.Send("set counter 0 0 1\r\n0\r\n");
            setup.ReadUntil("STORED\r\n");
        }
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            using var client = new RawClient(EndPoint);
            for (int i = 0; i < 200; i++)
            {
                client.Send("incr counter 1\r\n");
                client.ReadUntil("\r\n");
            }
        }));
        await Task.WhenAll(workers);
        using var check = new RawClient(EndPoint);
        check.Send("get counter\r\n");
        Assert.Equal("VALUE counter 0 4\r\n3200\r\nEND\r\n", check.ReadUntil("END\r\n"));
    }
}

public sealed class EpollServerTests : ServerTests
{
    protected override TransportKind Transport => TransportKind.Epoll;
}

public sealed class SocketsServerTests : ServerTests
{
    protected override TransportKind Transport => TransportKind.Sockets;
}

public sealed class ConnectionLimitTests
{
    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Connections_beyond_the_limit_are_told_and_closed_while_others_keep_working(TransportKind transport)
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, MaxConnections = 3, Transport = transport });
        await server.StartAsync();
        var clients = Enumerable.Range(0, 3).Select(_ => new RawClient(server.TcpEndPoints[0])).ToList();
        try
        {
            foreach (var c in clients)
            {
                c.Send("version\r\n");
                c.ReadUntil("\r\n");
            }
            using var extra = new RawClient(server.TcpEndPoints[0]);
            Assert.True(extra.WaitForClose(out var message));
            Assert.Equal("ERROR Too many open connections\r\n", message);
            clients[0].Send("version\r\n");
            Assert.StartsWith("VERSION", clients[0].ReadUntil("\r\n"), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var c in clients)
                c.Dispose();
        }
    }

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Shutdown_command_stops_the_server_when_enabled(TransportKind transport)
    {
        var server = new HoardServer(new ServerOptions { Port = 0, EnableShutdownCommand = true, Transport = transport });
        await server.StartAsync();
        using var client = new RawClient(server.TcpEndPoints[0]);
        client.Send("shutdown\r\n");
        await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await server.DisposeAsync();
    }
}

public sealed class BackPressureTests
{
    [Fact]
    public async Task Client_that_does_not_read_replies_is_stalled_without_affecting_others()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = TransportKind.Epoll, MaxItemSize = 512 * 1024 });
        await server.StartAsync();
        using var writer = new RawClient(server.TcpEndPoints[0]);
        var value = new string('x', 400_000);
        writer.Send($"set big 0 0 {value.Length}\r\n{value}\r\n");
        writer.ReadUntil("STORED\r\n");
        using var greedy = new RawClient(server.TcpEndPoints[0]);
        // 20 MB of replies requested and never read: the server must stop reading this client, not buffer it.
        var burst = string.Concat(Enumerable.Repeat("get big\r\n", 50));
        greedy.Send(burst);
        await Task.Delay(300);
        writer.Send("get missing\r\n");
        Assert.Equal("END\r\n", writer.ReadUntil("END\r\n"));
    }

    [Fact]
    public async Task Quit_after_a_reply_that_had_to_wait_still_closes_the_connection()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = TransportKind.Epoll, MaxItemSize = 512 * 1024 });
        await server.StartAsync();
        using var client = new RawClient(server.TcpEndPoints[0]);
        var value = new string('q', 400_000);
        client.Send($"set big 0 0 {value.Length}\r\n{value}\r\n");
        client.ReadUntil("STORED\r\n");
        // Replies far larger than the socket buffers, then quit, before reading anything.
        client.Send(string.Concat(Enumerable.Repeat("get big\r\n", 20)) + "quit\r\n");
        await Task.Delay(200);
        Assert.True(client.WaitForClose(out var replies));
        Assert.Equal(20, replies.Split("END\r\n").Length - 1);
    }

    [Fact]
    public async Task Idle_connections_are_closed_after_the_idle_timeout()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Transport = TransportKind.Epoll, IdleTimeout = TimeSpan.FromSeconds(1) });
        await server.StartAsync();
        using var idle = new RawClient(server.TcpEndPoints[0]);
        Assert.True(idle.WaitForClose(out _));
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnixSocketTests
{
    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Unix_socket_serves_commands_with_the_requested_mode_and_is_removed_on_stop(TransportKind transport)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hoard-{Guid.NewGuid():N}.sock");
        var server = new HoardServer(new ServerOptions { UnixSocketPath = path, UnixSocketMask = Convert.ToInt32("766", 8), Transport = transport });
        await server.StartAsync();
        try
        {
            Assert.Equal((UnixFileMode)Convert.ToInt32("766", 8), File.GetUnixFileMode(path));
            using var client = new RawClient(new UnixDomainSocketEndPoint(path));
            client.Send("set k 0 0 5\r\nhello\r\nget k\r\n");
            Assert.Equal("STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n", client.ReadUntil("END\r\n"));
        }
        finally
        {
            await server.DisposeAsync();
        }
        Assert.False(File.Exists(path));
    }
}
