using System.Buffers.Binary;

namespace Hoard.Protocol.Binary;

/// <summary>The 24-byte header of a binary-protocol request (all fields big-endian on the wire).</summary>
public readonly struct BinaryRequestHeader
{
    public const int Size = 24;
    public const byte RequestMagic = 0x80;
    public const byte ResponseMagic = 0x81;
    public const int MaxKeyLength = 250;

    public BinaryRequestHeader(BinaryOpcode opcode, ushort keyLength, byte extrasLength, byte dataType, ushort vbucket, uint bodyLength, uint opaque, ulong cas)
    {
        Opcode = opcode;
        KeyLength = keyLength;
        ExtrasLength = extrasLength;
        DataType = dataType;
        VBucket = vbucket;
        BodyLength = bodyLength;
        Opaque = opaque;
        Cas = cas;
    }

    public BinaryOpcode Opcode { get; }
    public ushort KeyLength { get; }
    public byte ExtrasLength { get; }
    /// <summary>Reserved by the protocol (always raw bytes); ignored, as memcached does.</summary>
    public byte DataType { get; }
    public ushort VBucket { get; }
    /// <summary>Extras, key and value together.</summary>
    public uint BodyLength { get; }
    /// <summary>Copied unchanged into the response so the client can match it.</summary>
    public uint Opaque { get; }
    public ulong Cas { get; }

    /// <summary>Bytes of the value: the body after extras and key. Never negative for a header that parsed.</summary>
    public long ValueLength => (long)BodyLength - KeyLength - ExtrasLength;

    /// <summary>Header plus body: how many bytes the whole request takes.</summary>
    public long FrameLength => Size + (long)BodyLength;

    /// <summary>Header plus extras and key: the part needed before a value can be judged (too large, or skipped).</summary>
    public int PrefixLength => Size + ExtrasLength + KeyLength;

    /// <summary>Reads the 24 bytes at the start of <paramref name="bytes"/>, which must hold at least that many. No checks.</summary>
    public static BinaryRequestHeader Read(ReadOnlySpan<byte> bytes) => new(
        (BinaryOpcode)bytes[1],
        BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
        bytes[4],
        bytes[5],
        BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]),
        BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]));
}
