using System.Buffers.Text;

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

    /// <summary><c>VALUE key flags bytes [cas]</c>, the data block and its CRLF, written into one span.</summary>
    public static void WriteValue(OutputBuffer output, ReadOnlySpan<byte> key, uint flags, ReadOnlySpan<byte> value, ulong cas, bool withCas)
    {
        // "VALUE " + key + 3 numbers of at most 20 digits + separators and two CRLFs.
        var span = output.GetSpan(key.Length + value.Length + 80);
        "VALUE "u8.CopyTo(span);
        int at = 6;
        key.CopyTo(span[at..]);
        at += key.Length;
        span[at++] = (byte)' ';
        Utf8Formatter.TryFormat(flags, span[at..], out int written);
        at += written;
        span[at++] = (byte)' ';
        Utf8Formatter.TryFormat(value.Length, span[at..], out written);
        at += written;
        if (withCas)
        {
            span[at++] = (byte)' ';
            Utf8Formatter.TryFormat(cas, span[at..], out written);
            at += written;
        }
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        value.CopyTo(span[at..]);
        at += value.Length;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        output.Advance(at);
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
