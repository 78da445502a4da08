using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Udp;

/// <summary>memcached's UDP protocol (<c>-U</c>) against the real server in process, on free loopback ports.</summary>
public sealed class UdpServerTests : IAsyncLifetime
{
    private HoardServer? _server;

    private EndPoint UdpEndPoint => _server!.UdpEndPoints[0];

    private EndPoint TcpEndPoint => _server!.TcpEndPoints[0];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    [Fact]
    public async Task Udp_is_off_unless_a_port_is_given()
    {
        await StartAsync(o => o.UdpPort = 0);
        Assert.Empty(_server!.UdpEndPoints);
    }

    [Fact]
    public async Task Set_over_tcp_then_get_over_udp_echoes_the_request_id_in_a_one_datagram_message()
    {
        await StartAsync();
        using (var tcp = new RawClient(TcpEndPoint))
        {
            tcp.Send("set greeting 5 0 5\r\nhello\r\n");
            Assert.Equal("STORED\r\n", tcp.ReadUntil("\r\n"));
        }
        using var udp = new UdpTestClient(UdpEndPoint);
        // The sequence number and reserved field of a request are ignored, as memcached ignores them.
        udp.SendRaw(UdpTestClient.Frame(0xBEEF, "get greeting\r\n", sequence: 5, reserved: 7));
        var reply = Assert.Single(udp.ReceiveMessage());
        Assert.Equal((ushort)0xBEEF, reply.RequestId);
        Assert.Equal((ushort)0, reply.Sequence);
        Assert.Equal((ushort)1, reply.Total);
        Assert.Equal((ushort)0, reply.Reserved);
        Assert.Equal("VALUE greeting 5 5\r\nhello\r\nEND\r\n", Encoding.ASCII.GetString(reply.Payload));
    }

    [Fact]
    public async Task Set_over_udp_is_stored()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        Assert.Equal("STORED\r\n", udp.Request(1, "set k 0 0 3\r\nabc\r\n"));
        using var tcp = new RawClient(TcpEndPoint);
        tcp.Send("get k\r\n");
        Assert.Equal("VALUE k 0 3\r\nabc\r\nEND\r\n", tcp.ReadUntil("END\r\n"));
    }

    [Fact]
    public async Task Large_value_comes_in_numbered_datagrams_of_at_most_1400_bytes_that_reassemble_to_the_value()
    {
        await StartAsync(o =>
        {
            o.MaxItemSize = 1024 * 1024;
            o.UdpMaxReplyBytes = 1024 * 1024;
        });
        var value = string.Concat(Enumerable.Range(0, 10_000).Select(i => (i % 100_000).ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        using (var tcp = new RawClient(TcpEndPoint))
        {
            tcp.Send($"set big 0 0 {value.Length}\r\n{value}\r\n");
            Assert.Equal("STORED\r\n", tcp.ReadUntil("\r\n"));
        }
        using var udp = new UdpTestClient(UdpEndPoint);
        udp.Send(4242, "get big\r\n");
        var message = udp.ReceiveMessage();

        string expected = $"VALUE big 0 {value.Length}\r\n{value}\r\nEND\r\n";
        // memcached's datagrams are 1400 bytes with the header, so 1392 bytes of reply each.
        Assert.Equal((expected.Length + 1391) / 1392, message.Count);
        Assert.All(message, d => Assert.Equal((ushort)4242, d.RequestId));
        Assert.All(message.SkipLast(1), d => Assert.Equal(1400, d.Length));
        Assert.True(message[^1].Length <= 1400);
        Assert.Equal(expected, UdpTestClient.Text(message));
    }

    [Fact]
    public async Task Pipelined_commands_in_one_datagram_are_answered_in_order_in_one_message()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        string reply = udp.Request(7, "set a 0 0 1\r\n1\r\nset b 0 0 1 noreply\r\n2\r\nget a b missing\r\nincr a 5\r\nmn\r\n");
        Assert.Equal("STORED\r\nVALUE a 0 1\r\n1\r\nVALUE b 0 1\r\n2\r\nEND\r\n6\r\nMN\r\n", reply);
    }

    [Fact]
    public async Task Noreply_commands_send_no_datagram()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        udp.Send(1, "set quiet 0 0 1 noreply\r\nq\r\n");
        Assert.True(udp.ReceivesNothing());
        Assert.Equal("VALUE quiet 0 1\r\nq\r\nEND\r\n", udp.Request(2, "get quiet\r\n"));
    }

    [Fact]
    public async Task Malformed_or_multi_datagram_requests_are_dropped_and_the_listener_keeps_serving()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        udp.SendRaw([0, 1, 0, 0, 0]);                                        // shorter than a header
        udp.SendRaw(UdpTestClient.Frame(2, ""));                            // a header and nothing else
        udp.SendRaw(UdpTestClient.Frame(3, "get a\r\n", total: 2));         // part 0 of 2: never reassembled
        udp.SendRaw(UdpTestClient.Frame(4, "get a\r\n", sequence: 1, total: 2));
        udp.SendRaw(UdpTestClient.Frame(5, "get a\r\n", total: 0));
        Assert.True(udp.ReceivesNothing());

        Assert.Equal("END\r\n", udp.Request(6, "get a\r\n"));
        Assert.Equal("5", Stat("udp_requests_dropped"));
    }

    [Fact]
    public async Task A_command_cut_off_at_the_end_of_a_datagram_is_dropped_and_nothing_carries_to_the_next()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        // The reply to the whole command before it is still sent.
        Assert.Equal("END\r\n", udp.Request(1, "get a\r\nset d 0 0 10\r\nabc"));
        Assert.Equal("ERROR\r\n", udp.Request(2, "defghij\r\n"));
        Assert.Equal("END\r\n", udp.Request(3, "get d\r\n"));
    }

    [Fact]
    public async Task Binary_garbage_gets_an_error_and_does_not_disturb_other_clients()
    {
        await StartAsync();
        using var bad = new UdpTestClient(UdpEndPoint);
        using var good = new UdpTestClient(UdpEndPoint);
        Assert.Equal("STORED\r\n", good.Request(1, "set shared 0 0 4\r\nsafe\r\n"));
        bad.SendRaw([.. UdpTestClient.Frame(9, "set shared 0 0 4\r\nTOOLONGDATA\r\n"), 0, 1, 2, 0xff, (byte)'\n']);
        Assert.Contains("CLIENT_ERROR bad data chunk", UdpTestClient.Text(bad.ReceiveMessage()), StringComparison.Ordinal);
        Assert.Equal("VALUE shared 0 4\r\nsafe\r\nEND\r\n", good.Request(2, "get shared\r\n"));
    }

    [Fact]
    public async Task Each_datagram_chooses_its_protocol_by_its_first_byte()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        byte[] noop = [0x80, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0, 0, 0, 0, 0];
        udp.SendRaw([0, 1, 0, 0, 0, 1, 0, 0, .. noop]);
        var reply = Assert.Single(udp.ReceiveMessage());
        Assert.Equal(new byte[] { 0x81, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0, 0, 0, 0, 0 }, reply.Payload);
        Assert.Equal("MN\r\n", udp.Request(2, "mn\r\n"));
    }

    [Fact]
    public async Task A_reply_past_the_bound_ends_with_an_error_and_the_rest_of_the_datagram_is_not_run()
    {
        const int bound = 8 * 1024;
        await StartAsync(o => o.UdpMaxReplyBytes = bound);
        var value = new string('v', 3000);
        using (var tcp = new RawClient(TcpEndPoint))
        {
            foreach (var key in new[] { "k1", "k2", "k3" })
            {
                tcp.Send($"set {key} 0 0 {value.Length}\r\n{value}\r\n");
                Assert.Equal("STORED\r\n", tcp.ReadUntil("\r\n"));
            }
        }
        using var udp = new UdpTestClient(UdpEndPoint);
        udp.Send(1, "get k1\r\nget k1 k2 k3\r\nset after 0 0 1\r\nx\r\n");
        var message = udp.ReceiveMessage();

        // The first get fits and is answered; the multi-get would pass the bound and answers with the error alone.
        Assert.Equal($"VALUE k1 0 3000\r\n{value}\r\nEND\r\nSERVER_ERROR reply too large for UDP\r\n", UdpTestClient.Text(message));
        Assert.True(message.Sum(d => d.Payload.Length) <= bound);
        Assert.True(udp.ReceivesNothing(100));
        Assert.Equal("END\r\n", udp.Request(2, "get after\r\n"));
        Assert.Equal("1", Stat("udp_replies_truncated"));
    }

    [Fact]
    public async Task A_datagram_of_many_gets_of_one_large_value_cannot_amplify_past_the_bound()
    {
        await StartAsync(o => o.MaxItemSize = 512 * 1024);
        var value = new string('a', 500_000);
        using (var tcp = new RawClient(TcpEndPoint))
        {
            tcp.Send($"set a 0 0 {value.Length}\r\n{value}\r\n");
            Assert.Equal("STORED\r\n", tcp.ReadUntil("\r\n"));
        }
        using var udp = new UdpTestClient(UdpEndPoint);
        // A 30-byte request that memcached would answer with 5 MB.
        udp.Send(1, "get a a a a a a a a a a\r\n");
        Assert.Equal("SERVER_ERROR reply too large for UDP\r\n", UdpTestClient.Text(udp.ReceiveMessage()));
        Assert.True(udp.ReceivesNothing(100));
    }

    [Fact]
    public async Task Stats_fits_the_bound_and_is_served()
    {
        await StartAsync();
        using var udp = new UdpTestClient(UdpEndPoint);
        string reply = udp.Request(1, "stats\r\n");
        Assert.StartsWith("STAT pid ", reply, StringComparison.Ordinal);
        Assert.EndsWith("END\r\n", reply, StringComparison.Ordinal);
        Assert.Contains("STAT udp_requests_dropped 0\r\n", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_clients_at_once_each_get_their_own_replies()
    {
        await StartAsync();
        var clients = Enumerable.Range(0, 8).Select(_ => new UdpTestClient(UdpEndPoint)).ToList();
        try
        {
            // Dedicated threads: blocking clients on the thread pool would starve the server's own completions.
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var threads = clients.Select((client, i) => new Thread(() =>
            {
                try
                {
                    for (int n = 0; n < 10; n++)
                    {
                        ushort id = (ushort)(i * 100 + n);
                        Assert.Equal("STORED\r\n", client.Request(id, $"set c{i} 0 0 1\r\n{n}\r\n"));
                        Assert.Equal($"VALUE c{i} 0 1\r\n{n}\r\nEND\r\n", client.Request((ushort)(id + 50), $"get c{i}\r\n"));
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }
            })).ToList();
            foreach (var thread in threads)
                thread.Start();
            foreach (var thread in threads)
                Assert.True(thread.Join(TimeSpan.FromSeconds(20)));
            Assert.Empty(failures);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public async Task Stopping_the_server_closes_the_udp_socket()
    {
        await StartAsync();
        var endPoint = (IPEndPoint)UdpEndPoint;
        using (var udp = new UdpTestClient(endPoint))
            Assert.StartsWith("VERSION ", udp.Request(1, "version\r\n"), StringComparison.Ordinal);

        await _server!.StopAsync();

        // The port is free again: the socket was closed, not just left unread.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(endPoint);
    }

    [Fact]
    public async Task Shutdown_over_udp_with_A_stops_the_server()
    {
        await StartAsync(o => o.EnableShutdownCommand = true);
        using var udp = new UdpTestClient(UdpEndPoint);
        udp.Send(1, "shutdown\r\n");
        await _server!.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Udp_binds_every_listen_address()
    {
        await StartAsync(o =>
        {
            o.ListenAddresses.Clear();
            o.ListenAddresses.Add("127.0.0.1");
            o.ListenAddresses.Add("::1");
        });
        Assert.Equal(2, _server!.UdpEndPoints.Count);
        foreach (var endPoint in _server.UdpEndPoints)
        {
            using var udp = new UdpTestClient(endPoint);
            Assert.StartsWith("VERSION ", udp.Request(3, "version\r\n"), StringComparison.Ordinal);
        }
    }

    private async Task StartAsync(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Port = 0, UdpPort = -1, Threads = 2, MemoryLimitBytes = 64L * 1024 * 1024 };
        configure?.Invoke(options);
        _server = new HoardServer(options);
        await _server.StartAsync();
    }

    private string Stat(string name)
    {
        using var tcp = new RawClient(TcpEndPoint);
        tcp.Send("stats\r\n");
        foreach (var line in tcp.ReadUntil("END\r\n").Split("\r\n"))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[1] == name)
                return parts[2];
        }
        throw new InvalidOperationException($"no stat {name}");
    }
}
