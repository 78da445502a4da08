using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Server.Tests.Udp;

/// <summary>One datagram of a reply: its frame header fields and the reply bytes it carries.</summary>
internal sealed record UdpDatagram(ushort RequestId, ushort Sequence, ushort Total, ushort Reserved, byte[] Payload, int Length);

/// <summary>A raw memcached UDP client: frames requests by hand and reassembles replies by sequence number.</summary>
internal sealed class UdpTestClient : IDisposable
{
    private readonly Socket _socket;

    public UdpTestClient(EndPoint server)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            // Room for a whole large reply arriving at once on loopback.
            ReceiveBufferSize = 4 * 1024 * 1024,
        };
        _socket.Connect(server);
    }

    public static byte[] Frame(ushort requestId, string payload, ushort sequence = 0, ushort total = 1, ushort reserved = 0)
    {
        var body = Encoding.ASCII.GetBytes(payload);
        var datagram = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, requestId);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), total);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(6), reserved);
        body.CopyTo(datagram, 8);
        return datagram;
    }

    public void Send(ushort requestId, string payload) => SendRaw(Frame(requestId, payload));

    public void SendRaw(byte[] datagram) => _socket.Send(datagram);

    /// <summary>Sends a request and returns its whole reply message as text.</summary>
    public string Request(ushort requestId, string payload)
    {
        Send(requestId, payload);
        var reply = ReceiveMessage();
        Assert.All(reply, d => Assert.Equal(requestId, d.RequestId));
        return Text(reply);
    }

    /// <summary>Receives datagrams until one whole message (all of 0..total-1) is in; they are returned in sequence order.</summary>
    public IReadOnlyList<UdpDatagram> ReceiveMessage(int timeoutMilliseconds = 5000)
    {
        UdpDatagram?[]? parts = null;
        int received = 0;
        var buffer = new byte[65536];
        while (parts is null || received < parts.Length)
        {
            var datagram = ReceiveOne(buffer, timeoutMilliseconds) ?? throw new TimeoutException(
                $"reply incomplete: {received} of {parts?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} datagrams");
            parts ??= new UdpDatagram?[datagram.Total];
            Assert.Equal(parts.Length, datagram.Total);
            Assert.Null(parts[datagram.Sequence]);
            parts[datagram.Sequence] = datagram;
            received++;
        }
        return parts.Select(p => p!).ToList();
    }

    /// <summary>True when no datagram arrives within <paramref name="milliseconds"/>.</summary>
    public bool ReceivesNothing(int milliseconds = 300) => ReceiveOne(new byte[65536], milliseconds) is null;

    public static string Text(IEnumerable<UdpDatagram> message) =>
        string.Concat(message.Select(d => Encoding.ASCII.GetString(d.Payload)));

    public void Dispose() => _socket.Dispose();

    private UdpDatagram? ReceiveOne(byte[] buffer, int timeoutMilliseconds)
    {
        if (!_socket.Poll(timeoutMilliseconds * 1000, SelectMode.SelectRead))
            return null;
        int length = _socket.Receive(buffer);
        Assert.True(length >= 8, $"a reply datagram of {length} bytes has no frame header");
        return new UdpDatagram(
            BinaryPrimitives.ReadUInt16BigEndian(buffer),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(4)),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(6)),
            buffer.AsSpan(8, length - 8).ToArray(),
            length);
    }
}
