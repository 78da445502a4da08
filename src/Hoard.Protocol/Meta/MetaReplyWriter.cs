namespace Hoard.Protocol.Meta;

/// <summary>Writes meta replies: a status, return flags (each a space, its letter and maybe a value), CRLF.</summary>
public static class MetaReplyWriter
{
    public static ReadOnlySpan<byte> NoOp => "MN\r\n"u8;
    public static ReadOnlySpan<byte> Miss => "EN\r\n"u8;
    public static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    /// <summary>The status word; for <see cref="MetaStatus.Value"/> also the value's size.</summary>
    public static void WriteStatus(OutputBuffer output, MetaStatus status, long valueSize = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (status)
        {
            case MetaStatus.Value:
                output.Write("VA "u8);
                output.WriteInt64(valueSize);
                break;
            case MetaStatus.Header: output.Write("HD"u8); break;
            case MetaStatus.End: output.Write("EN"u8); break;
            case MetaStatus.NotFound: output.Write("NF"u8); break;
            case MetaStatus.NotStored: output.Write("NS"u8); break;
            case MetaStatus.Exists: output.Write("EX"u8); break;
            default: output.Write("MN"u8); break;
        }
    }

    /// <summary>A return flag without a value (<c>W X Z</c>).</summary>
    public static void WriteFlag(OutputBuffer output, byte flag)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteByte((byte)' ');
        output.WriteByte(flag);
    }

    public static void WriteFlag(OutputBuffer output, byte flag, ulong value)
    {
        WriteFlag(output, flag);
        output.WriteUInt64(value);
    }

    public static void WriteFlag(OutputBuffer output, byte flag, long value)
    {
        WriteFlag(output, flag);
        output.WriteInt64(value);
    }

    /// <summary>The <c>O</c> token echoed as sent.</summary>
    public static void WriteOpaque(OutputBuffer output, ReadOnlySpan<byte> opaqueToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteByte((byte)' ');
        output.Write(opaqueToken);
    }

    /// <summary><c>k&lt;key&gt;</c>; a binary key goes back base64 encoded and followed by <c>b</c>, as memcached does.</summary>
    public static void WriteKey(OutputBuffer output, ReadOnlySpan<byte> key, bool binary)
    {
        WriteFlag(output, (byte)'k');
        if (!binary)
        {
            output.Write(key);
            return;
        }
        WriteBase64(output, key);
        output.Write(" b"u8);
    }

    public static void WriteBase64(OutputBuffer output, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        int length = MetaBase64.EncodedLength(bytes.Length);
        int written = MetaBase64.Encode(bytes, output.GetSpan(length));
        output.Advance(written);
    }

    /// <summary>A flag value line's end, then for <c>VA</c> the data block and its CRLF.</summary>
    public static void WriteEnd(OutputBuffer output, ReadOnlySpan<byte> value, bool withValue)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("\r\n"u8);
        if (!withValue)
            return;
        output.Write(value);
        output.Write("\r\n"u8);
    }
}
