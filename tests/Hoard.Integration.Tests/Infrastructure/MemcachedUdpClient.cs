using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>One reply datagram: the frame header's fields and the reply bytes after it.</summary>
public sealed record UdpReplyDatagram(ushort RequestId, ushort Sequence, ushort Total, ushort Reserved, string Payload, int Length);

/// <summary>
/// A raw client for memcached's UDP protocol (8-byte frame header, then text commands). memcached 1.6 sends
/// each response of a request as its own message (every one numbered from 0) where Hoard sends one message
/// per request, so replies are read as the datagrams arriving, in order, until the expected end.
/// </summary>
public sealed class MemcachedUdpClient : IDisposable
{
    private readonly Socket _socket;

    public MemcachedUdpClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 * 1024 * 1024 };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    public static byte[] Frame(ushort requestId, string payload, ushort sequence = 0, ushort total = 1)
    {
        var body = Encoding.Latin1.GetBytes(payload);
        var datagram = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, requestId);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), total);
        body.CopyTo(datagram, 8);
        return datagram;
    }

    public void Send(ushort requestId, string payload) => SendRaw(Frame(requestId, payload));

    public void SendRaw(byte[] datagram) => _socket.Send(datagram);

    /// <summary>Receives datagrams until their payloads, joined, end with <paramref name="terminator"/>.</summary>
    public List<UdpReplyDatagram> ReceiveUntil(string terminator, int timeoutMilliseconds = 5000)
    {
        var datagrams = new List<UdpReplyDatagram>();
        var text = new StringBuilder();
        var buffer = new byte[65536];
        while (!text.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            var datagram = ReceiveOne(buffer, timeoutMilliseconds)
                ?? throw new TimeoutException($"no reply ending with {terminator.Trim()} after {datagrams.Count} datagrams: {text}");
            datagrams.Add(datagram);
            text.Append(datagram.Payload);
        }
        return datagrams;
    }

    /// <summary>Sends a request and returns the reply text, checking every datagram echoes the request id.</summary>
    public string Request(ushort requestId, string payload, string terminator)
    {
        Send(requestId, payload);
        var reply = ReceiveUntil(terminator);
        Assert.All(reply, d => Assert.Equal(requestId, d.RequestId));
        return string.Concat(reply.Select(d => d.Payload));
    }

    /// <summary>True when no datagram arrives within <paramref name="milliseconds"/>.</summary>
    public bool ReceivesNothing(int milliseconds = 300) => ReceiveOne(new byte[65536], milliseconds) is null;

    public void Dispose() => _socket.Dispose();

    private UdpReplyDatagram? ReceiveOne(byte[] buffer, int timeoutMilliseconds)
    {
        if (!_socket.Poll(timeoutMilliseconds * 1000, SelectMode.SelectRead))
            return null;
        int length = _socket.Receive(buffer);
        Assert.True(length >= 8, $"a reply datagram of {length} bytes has no frame header");
        return new UdpReplyDatagram(
            BinaryPrimitives.ReadUInt16BigEndian(buffer),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(4)),
            BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(6)),
            Encoding.Latin1.GetString(buffer, 8, length - 8),
            length);
    }
}
