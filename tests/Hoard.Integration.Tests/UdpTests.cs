using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>One server with UDP on a free port, shared by the tests that need no flags of their own (distinct keys).</summary>
public sealed class UdpServerFixture : IDisposable
{
    // -U -1: a free UDP port, memcached's spelling, which Hoard shares (its -U 0 is "off").
    public ServerProcess Server { get; } = ServerProcess.Start("-U", "-1");

    public void Dispose() => Server.Dispose();
}

/// <summary>memcached's UDP protocol (<c>-U</c>) against the real process; run with HOARD_TEST_SERVER=memcached too.</summary>
public sealed class UdpTests(UdpServerFixture fixture) : IClassFixture<UdpServerFixture>
{
    private ServerProcess Shared => fixture.Server;

    [Fact]
    public void Udp_is_off_by_default()
    {
        using var server = ServerProcess.Start();
        Assert.Equal(0, server.UdpPort);
        Assert.DoesNotContain(File.ReadAllLines(server.PortFile), line => line.StartsWith("UDP", StringComparison.Ordinal));
    }

    [Fact]
    public void Udp_port_is_written_to_the_port_file_and_a_get_echoes_the_request_id()
    {
        var server = Shared;
        Assert.Contains($"UDP INET: {server.UdpPort.ToString(CultureInfo.InvariantCulture)}", File.ReadAllLines(server.PortFile));
        using (var tcp = server.Connect())
            Assert.Equal("STORED", tcp.Set("greeting", "hello", flags: 5));

        using var udp = new MemcachedUdpClient(server.UdpPort);
        udp.Send(0xBEEF, "get greeting\r\n");
        var reply = Assert.Single(udp.ReceiveUntil("END\r\n"));
        Assert.Equal(new UdpReplyDatagram(0xBEEF, 0, 1, 0, "VALUE greeting 5 5\r\nhello\r\nEND\r\n", 40), reply);
    }

    [Fact]
    public void Value_larger_than_a_datagram_comes_in_1400_byte_datagrams_numbered_in_order()
    {
        var server = Shared;
        // Under Hoard's default reply bound (64 KiB); memcached has none.
        var value = string.Concat(Enumerable.Range(0, 5000).Select(i => i.ToString("D10", CultureInfo.InvariantCulture)));
        using (var tcp = server.Connect())
            Assert.Equal("STORED", tcp.Set("big", value));

        using var udp = new MemcachedUdpClient(server.UdpPort);
        udp.Send(77, "get big\r\n");
        var reply = udp.ReceiveUntil("END\r\n");

        string expected = $"VALUE big 0 {value.Length}\r\n{value}\r\nEND\r\n";
        int count = (expected.Length + 1391) / 1392;
        Assert.Equal(count, reply.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(77, reply[i].RequestId);
            Assert.Equal(i, reply[i].Sequence);
            Assert.Equal(count, reply[i].Total);
            Assert.Equal(i < count - 1 ? 1400 : expected.Length - (1392 * (count - 1)) + 8, reply[i].Length);
        }
        Assert.Equal(expected, string.Concat(reply.Select(d => d.Payload)));
    }

    [Fact]
    public void Pipelined_commands_in_one_datagram_are_answered_in_order()
    {
        var server = Shared;
        using var udp = new MemcachedUdpClient(server.UdpPort);
        string reply = udp.Request(5, "set a 0 0 1\r\n1\r\nset b 0 0 1 noreply\r\n2\r\nget a b missing\r\nincr a 5\r\nmn\r\n", "MN\r\n");
        Assert.Equal("STORED\r\nVALUE a 0 1\r\n1\r\nVALUE b 0 1\r\n2\r\nEND\r\n6\r\nMN\r\n", reply);
    }

    [Fact]
    public void Noreply_sends_no_datagram()
    {
        var server = Shared;
        using var udp = new MemcachedUdpClient(server.UdpPort);
        udp.Send(1, "set quiet 0 0 1 noreply\r\nq\r\n");
        Assert.True(udp.ReceivesNothing());
        Assert.Equal("VALUE quiet 0 1\r\nq\r\nEND\r\n", udp.Request(2, "get quiet\r\n", "END\r\n"));
    }

    [Fact]
    public void Short_and_multi_datagram_requests_are_dropped_unanswered()
    {
        var server = Shared;
        using var udp = new MemcachedUdpClient(server.UdpPort);
        udp.SendRaw([0, 1, 0, 0, 0]);
        udp.SendRaw(MemcachedUdpClient.Frame(2, ""));
        udp.SendRaw(MemcachedUdpClient.Frame(3, "get a\r\n", total: 2));
        udp.SendRaw(MemcachedUdpClient.Frame(4, "get a\r\n", total: 0));
        Assert.True(udp.ReceivesNothing());
        Assert.Equal("END\r\n", udp.Request(5, "get never-set\r\n", "END\r\n"));
    }

    [Fact]
    public void Binary_protocol_request_in_a_datagram_is_answered_in_binary()
    {
        var server = Shared;
        using var udp = new MemcachedUdpClient(server.UdpPort);
        // A binary noop (magic 0x80, opcode 0x0a) with opaque 0xaabbccdd; the protocol is chosen per datagram.
        var noop = new byte[24];
        noop[0] = 0x80;
        noop[1] = 0x0a;
        noop[12] = 0xaa;
        noop[13] = 0xbb;
        noop[14] = 0xcc;
        noop[15] = 0xdd;
        udp.SendRaw([0, 3, 0, 0, 0, 1, 0, 0, .. noop]);
        var reply = Assert.Single(udp.ReceiveUntil("\u00aa\u00bb\u00cc\u00dd\0\0\0\0\0\0\0\0"));
        Assert.Equal("\u0081\n\0\0\0\0\0\0\0\0\0\0\u00aa\u00bb\u00cc\u00dd\0\0\0\0\0\0\0\0", reply.Payload);
        Assert.Equal("MN\r\n", udp.Request(4, "mn\r\n", "MN\r\n"));
    }

    [Fact]
    public void A_multi_get_past_the_reply_bound_ends_with_an_error()
    {
        if (TestServer.IsMemcached)
            return; // memcached has no bound: it would answer these 30 bytes with 500 KB.
        using var server = ServerProcess.Start("-U", "-1", "-o", "udp_max_reply_bytes=16k");
        var value = new string('v', 50_000);
        using (var tcp = server.Connect())
            Assert.Equal("STORED", tcp.Set("v", value));

        using var udp = new MemcachedUdpClient(server.UdpPort);
        Assert.Equal("SERVER_ERROR reply too large for UDP\r\n", udp.Request(9, "get v v v v v v v v v v\r\n", "\r\n"));
        Assert.True(udp.ReceivesNothing(100));
        using var stats = server.Connect();
        Assert.Equal(1, stats.Stat("udp_replies_truncated"));
    }
}
