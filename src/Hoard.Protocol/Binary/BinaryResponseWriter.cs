using System.Buffers.Binary;

namespace Hoard.Protocol.Binary;

/// <summary>Writes binary-protocol responses (magic 0x81) into an <see cref="OutputBuffer"/>, one span per response.</summary>
public static class BinaryResponseWriter
{
    /// <summary>One response: header, then extras, key and value as given.</summary>
    public static void Write(OutputBuffer output, BinaryOpcode opcode, BinaryStatus status, uint opaque, ulong cas,
        ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        int body = extras.Length + key.Length + value.Length;
        var span = output.GetSpan(BinaryRequestHeader.Size + body);
        WriteHeader(span, opcode, status, opaque, cas, extras.Length, key.Length, body);
        int at = BinaryRequestHeader.Size;
        extras.CopyTo(span[at..]);
        at += extras.Length;
        key.CopyTo(span[at..]);
        at += key.Length;
        value.CopyTo(span[at..]);
        output.Advance(at + value.Length);
    }

    /// <summary>A retrieval hit: the client flags as the 4-byte extras, the key only when <paramref name="key"/> is not empty (getk).</summary>
    public static void WriteValue(OutputBuffer output, BinaryOpcode opcode, uint opaque, ulong cas, uint flags,
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        int body = 4 + key.Length + value.Length;
        var span = output.GetSpan(BinaryRequestHeader.Size + body);
        WriteHeader(span, opcode, BinaryStatus.Success, opaque, cas, 4, key.Length, body);
        int at = BinaryRequestHeader.Size;
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], flags);
        at += 4;
        key.CopyTo(span[at..]);
        at += key.Length;
        value.CopyTo(span[at..]);
        output.Advance(at + value.Length);
    }

    /// <summary>The reply to incr/decr: the counter's new value as an 8-byte big-endian body.</summary>
    public static void WriteCounter(OutputBuffer output, BinaryOpcode opcode, uint opaque, ulong cas, ulong value)
    {
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(body, value);
        Write(output, opcode, BinaryStatus.Success, opaque, cas, default, default, body);
    }

    /// <summary>A success with an empty body (stores, delete, noop, flush, quit...).</summary>
    public static void WriteSuccess(OutputBuffer output, BinaryOpcode opcode, uint opaque, ulong cas = 0) =>
        Write(output, opcode, BinaryStatus.Success, opaque, cas, default, default, default);

    /// <summary>A failure whose body is memcached's message for <paramref name="status"/>.</summary>
    public static void WriteError(OutputBuffer output, BinaryOpcode opcode, BinaryStatus status, uint opaque) =>
        Write(output, opcode, status, opaque, 0, default, default, Message(status));

    /// <summary>The text memcached 1.6 puts in the body of an error response.</summary>
    public static ReadOnlySpan<byte> Message(BinaryStatus status) => status switch
    {
        BinaryStatus.KeyNotFound => "Not found"u8,
        BinaryStatus.KeyExists => "Data exists for key."u8,
        BinaryStatus.ValueTooLarge => "Too large."u8,
        BinaryStatus.InvalidArguments => "Invalid arguments"u8,
        BinaryStatus.ItemNotStored => "Not stored."u8,
        BinaryStatus.NonNumericValue => "Non-numeric server-side value for incr or decr"u8,
        BinaryStatus.AuthenticationError => "Auth failure."u8,
        BinaryStatus.UnknownCommand => "Unknown command"u8,
        BinaryStatus.OutOfMemory => "Out of memory"u8,
        _ => default,
    };

    private static void WriteHeader(Span<byte> span, BinaryOpcode opcode, BinaryStatus status, uint opaque, ulong cas, int extras, int key, int body)
    {
        span[0] = BinaryRequestHeader.ResponseMagic;
        span[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)key);
        span[4] = (byte)extras;
        span[5] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)status);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], (uint)body);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], opaque);
        BinaryPrimitives.WriteUInt64BigEndian(span[16..], cas);
    }
}
