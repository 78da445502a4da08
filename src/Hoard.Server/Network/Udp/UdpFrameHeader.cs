using System.Buffers.Binary;

namespace Hoard.Server.Network.Udp;

/// <summary>
/// The 8 bytes memcached puts in front of every UDP datagram (protocol.txt, "UDP protocol"): request id,
/// sequence number, total datagrams in the message and a reserved field, each a big-endian 16-bit number.
/// </summary>
internal readonly record struct UdpFrameHeader(ushort RequestId, ushort Sequence, ushort Total, ushort Reserved)
{
    public const int Size = 8;

    /// <summary>
    /// memcached's <c>UDP_MAX_PAYLOAD_SIZE</c>: no reply datagram is longer than this, header included (1.6.18
    /// sends 1400-byte datagrams carrying 1392 bytes of reply), so replies pass typical 1500-byte MTUs unfragmented.
    /// </summary>
    public const int MaxDatagramSize = 1400;

    /// <summary>Reply bytes carried by each full datagram.</summary>
    public const int MaxPayloadPerDatagram = MaxDatagramSize - Size;

    /// <summary>Reads the header at the start of <paramref name="datagram"/>; false when it is shorter than a header.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out UdpFrameHeader header)
    {
        if (datagram.Length < Size)
        {
            header = default;
            return false;
        }
        header = new UdpFrameHeader(
            BinaryPrimitives.ReadUInt16BigEndian(datagram),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, RequestId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Sequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Total);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Reserved);
    }

    /// <summary>How many datagrams a reply of <paramref name="replyLength"/> bytes takes.</summary>
    public static int DatagramCount(int replyLength) =>
        (replyLength + MaxPayloadPerDatagram - 1) / MaxPayloadPerDatagram;
}
