namespace Hoard.Protocol.Binary;

public enum BinaryParseStatus : byte
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>A header (or, from <see cref="BinaryRequestParser.TryParse"/>, a whole request) is available.</summary>
    Complete,
    /// <summary>The first byte is not the request magic 0x80: the stream is not binary protocol, or lost its framing.</summary>
    BadMagic,
    /// <summary>Extras and key together are longer than the body: the header contradicts itself.</summary>
    BadLengths,
}

/// <summary>
/// Frames binary-protocol requests straight from the receive buffer. Never allocates and never throws:
/// any byte sequence is incomplete, a request, or one of the two framing errors.
/// </summary>
public static class BinaryRequestParser
{
    /// <summary>Reads and checks the header at the start of <paramref name="buffer"/>; the body need not have arrived.</summary>
    public static BinaryParseStatus TryReadHeader(ReadOnlySpan<byte> buffer, out BinaryRequestHeader header)
    {
        header = default;
        if (buffer.IsEmpty)
            return BinaryParseStatus.Incomplete;
        // Judged on the first byte, so a text command on a binary-only connection is refused at once.
        if (buffer[0] != BinaryRequestHeader.RequestMagic)
            return BinaryParseStatus.BadMagic;
        if (buffer.Length < BinaryRequestHeader.Size)
            return BinaryParseStatus.Incomplete;
        header = BinaryRequestHeader.Read(buffer);
        if (header.ValueLength < 0)
            return BinaryParseStatus.BadLengths;
        return BinaryParseStatus.Complete;
    }

    /// <summary>Parses one whole request; <see cref="BinaryParseStatus.Incomplete"/> until its entire body is in <paramref name="buffer"/>.</summary>
    public static BinaryParseStatus TryParse(ReadOnlySpan<byte> buffer, out BinaryRequest request)
    {
        request = default;
        var status = TryReadHeader(buffer, out var header);
        if (status != BinaryParseStatus.Complete)
            return status;
        if (buffer.Length < header.FrameLength)
            return BinaryParseStatus.Incomplete;
        var body = buffer.Slice(BinaryRequestHeader.Size, (int)header.BodyLength);
        int extras = header.ExtrasLength;
        int key = header.KeyLength;
        request = new BinaryRequest(header, body[..extras], body.Slice(extras, key), body[(extras + key)..]);
        return BinaryParseStatus.Complete;
    }
}
