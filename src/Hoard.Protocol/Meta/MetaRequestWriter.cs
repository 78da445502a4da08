using System.Buffers;
using System.Buffers.Text;

namespace Hoard.Protocol.Meta;

/// <summary>
/// Writes meta commands, the client side: <c>mg</c>/<c>ms</c>/<c>md</c>/<c>ma</c>/<c>mn</c> lines with their
/// flags, and the data block of <c>ms</c>. Used as Begin → Flag... → End [→ Data].
/// </summary>
public static class MetaRequestWriter
{
    /// <summary>The longest key memcached accepts.</summary>
    public const int MaxKeyLength = 250;

    public static ReadOnlySpan<byte> Get => "mg"u8;
    public static ReadOnlySpan<byte> Set => "ms"u8;
    public static ReadOnlySpan<byte> Delete => "md"u8;
    public static ReadOnlySpan<byte> Arithmetic => "ma"u8;

    /// <summary>
    /// Whether <paramref name="key"/> can be sent as it is: 1-250 bytes, no spaces or control characters.
    /// Other keys are sent base64-encoded with the <c>b</c> flag (which the meta protocol defines for them).
    /// </summary>
    public static bool IsPlainKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
            return false;
        foreach (byte b in key)
        {
            if (b <= (byte)' ' || b == 0x7f)
                return false;
        }
        return true;
    }

    /// <summary>Whether a key can be stored at all: base64 of at most 187 bytes fits memcached's 250.</summary>
    public static bool IsValidKey(ReadOnlySpan<byte> key) =>
        !key.IsEmpty && (IsPlainKey(key) || Base64.GetMaxEncodedToUtf8Length(key.Length) <= MaxKeyLength);

    /// <summary>
    /// Writes <c>command key</c>; a key that is not plain is written base64-encoded, and the caller adds
    /// <see cref="KeyFlag"/> among the flags (for <c>ms</c>, after the data length).
    /// </summary>
    public static void Begin(IBufferWriter<byte> writer, ReadOnlySpan<byte> command, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!IsValidKey(key))
            throw new ArgumentException($"a key must be 1-{MaxKeyLength} bytes (binary keys up to 187 bytes)", nameof(key));
        writer.Write(command);
        writer.Write(" "u8);
        if (IsPlainKey(key))
        {
            writer.Write(key);
            return;
        }
        var span = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(key.Length));
        Base64.EncodeToUtf8(key, span, out _, out int written);
        writer.Advance(written);
    }

    /// <summary>The <c>b</c> flag when <paramref name="key"/> was written base64-encoded by <see cref="Begin"/>.</summary>
    public static void KeyFlag(IBufferWriter<byte> writer, ReadOnlySpan<byte> key)
    {
        if (!IsPlainKey(key))
            Flag(writer, 'b');
    }

    /// <summary>The data length token of <c>ms</c>, right after the key.</summary>
    public static void Size(IBufferWriter<byte> writer, int length)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(12);
        span[0] = (byte)' ';
        Utf8Formatter.TryFormat(length, span[1..], out int written);
        writer.Advance(1 + written);
    }

    /// <summary>A flag without a value (<c>v</c>, <c>q</c>, <c>k</c> ...).</summary>
    public static void Flag(IBufferWriter<byte> writer, char flag)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(2);
        span[0] = (byte)' ';
        span[1] = (byte)flag;
        writer.Advance(2);
    }

    /// <summary>A flag with a number (<c>T</c>, <c>F</c>, <c>C</c>, <c>D</c>, <c>N</c> ...).</summary>
    public static void Flag(IBufferWriter<byte> writer, char flag, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(22);
        span[0] = (byte)' ';
        span[1] = (byte)flag;
        Utf8Formatter.TryFormat(value, span[2..], out int written);
        writer.Advance(2 + written);
    }

    /// <summary>An unsigned flag value (CAS, deltas).</summary>
    public static void Flag(IBufferWriter<byte> writer, char flag, ulong value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(22);
        span[0] = (byte)' ';
        span[1] = (byte)flag;
        Utf8Formatter.TryFormat(value, span[2..], out int written);
        writer.Advance(2 + written);
    }

    /// <summary>The mode flag of <c>ms</c>/<c>ma</c> (<c>M</c> and a letter).</summary>
    public static void Mode(IBufferWriter<byte> writer, char mode)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(3);
        span[0] = (byte)' ';
        span[1] = (byte)'M';
        span[2] = (byte)mode;
        writer.Advance(3);
    }

    /// <summary>Ends the command line.</summary>
    public static void End(IBufferWriter<byte> writer) => writer.Write("\r\n"u8);

    /// <summary>The data block of <c>ms</c> and its CRLF.</summary>
    public static void Data(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        writer.Write(value);
        writer.Write("\r\n"u8);
    }

    /// <summary><c>mn</c>: answered <c>MN</c> once every command before it is answered.</summary>
    public static void NoOp(IBufferWriter<byte> writer) => writer.Write("mn\r\n"u8);
}
