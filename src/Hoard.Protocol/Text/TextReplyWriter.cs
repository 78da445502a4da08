namespace Hoard.Protocol.Text;

/// <summary>Writes the text protocol's replies.</summary>
public static class TextReplyWriter
{
    public static ReadOnlySpan<byte> Stored => "STORED\r\n"u8;
    public static ReadOnlySpan<byte> NotStored => "NOT_STORED\r\n"u8;
    public static ReadOnlySpan<byte> Exists => "EXISTS\r\n"u8;
    public static ReadOnlySpan<byte> NotFound => "NOT_FOUND\r\n"u8;
    public static ReadOnlySpan<byte> Deleted => "DELETED\r\n"u8;
    public static ReadOnlySpan<byte> Touched => "TOUCHED\r\n"u8;
    public static ReadOnlySpan<byte> End => "END\r\n"u8;
    public static ReadOnlySpan<byte> Ok => "OK\r\n"u8;
    public static ReadOnlySpan<byte> Reset => "RESET\r\n"u8;
    public static ReadOnlySpan<byte> NonNumeric => "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemory => "SERVER_ERROR out of memory storing object\r\n"u8;
    public static ReadOnlySpan<byte> TooLarge => "SERVER_ERROR object too large for cache\r\n"u8;

    /// <summary><c>VALUE key flags bytes [cas]</c>, the data block and its CRLF.</summary>
    public static void WriteValue(OutputBuffer output, ReadOnlySpan<byte> key, uint flags, ReadOnlySpan<byte> value, ulong cas, bool withCas)
    {
        output.Write("VALUE "u8);
        output.Write(key);
        output.WriteByte((byte)' ');
        output.WriteUInt64(flags);
        output.WriteByte((byte)' ');
        output.WriteInt64(value.Length);
        if (withCas)
        {
            output.WriteByte((byte)' ');
            output.WriteUInt64(cas);
        }
        output.Write("\r\n"u8);
        output.Write(value);
        output.Write("\r\n"u8);
    }

    public static void WriteNumber(OutputBuffer output, ulong value)
    {
        output.WriteUInt64(value);
        output.Write("\r\n"u8);
    }

    /// <summary>One <c>STAT name value</c> line.</summary>
    public static void WriteStat(OutputBuffer output, string name, string value)
    {
        output.Write("STAT "u8);
        output.WriteAscii(name);
        output.WriteByte((byte)' ');
        output.WriteAscii(value);
        output.Write("\r\n"u8);
    }

    public static void WriteStat(OutputBuffer output, string name, long value)
    {
        output.Write("STAT "u8);
        output.WriteAscii(name);
        output.WriteByte((byte)' ');
        output.WriteInt64(value);
        output.Write("\r\n"u8);
    }
}
