using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Hoard.Client.Values;

/// <summary>Encodes typed values into bytes plus flags, and back; compresses above a threshold.</summary>
internal sealed class ValueCodec(ICacheSerializer serializer, int compressionThreshold)
{
    public (ReadOnlyMemory<byte> Bytes, uint Flags) Encode<T>(T value)
    {
        ReadOnlyMemory<byte> bytes;
        ValueEncoding flags;
        switch (value)
        {
            case null:
                throw new ArgumentNullException(nameof(value), "null cannot be cached; delete the key instead");
            case byte[] raw:
                bytes = raw;
                flags = ValueEncoding.Bytes;
                break;
            case ReadOnlyMemory<byte> memory:
                bytes = memory;
                flags = ValueEncoding.Bytes;
                break;
            case string text:
                bytes = Encoding.UTF8.GetBytes(text);
                flags = ValueEncoding.Text;
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                bytes = Encoding.ASCII.GetBytes(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                flags = ValueEncoding.DecimalInteger;
                break;
            case ulong large:
                bytes = Encoding.ASCII.GetBytes(large.ToString(CultureInfo.InvariantCulture));
                flags = ValueEncoding.DecimalInteger;
                break;
            default:
                var buffer = new ArrayBufferWriter<byte>();
                serializer.Serialize(value, buffer);
                bytes = buffer.WrittenMemory;
                flags = ValueEncoding.Serialized;
                break;
        }
        if (compressionThreshold > 0 && bytes.Length >= compressionThreshold)
        {
            var compressed = Compress(bytes.Span);
            // Stored compressed only when that saves something: random or already-compressed data does not shrink.
            if (compressed.Length < bytes.Length)
                return (compressed, (uint)(flags | ValueEncoding.Compressed));
        }
        return (bytes, (uint)flags);
    }

    public T? Decode<T>(ReadOnlyMemory<byte> stored, uint storedFlags)
    {
        var flags = (ValueEncoding)storedFlags;
        var bytes = stored;
        if (flags.HasFlag(ValueEncoding.Compressed))
        {
            bytes = Decompress(stored.Span);
            flags &= ~ValueEncoding.Compressed;
        }
        object? result;
        if (typeof(T) == typeof(byte[]))
            result = bytes.ToArray();
        else if (typeof(T) == typeof(ReadOnlyMemory<byte>))
            result = bytes;
        else if (typeof(T) == typeof(string))
            result = Encoding.UTF8.GetString(bytes.Span);
        else if (flags.HasFlag(ValueEncoding.Pickle))
            throw new HoardSerializationException("the value was pickled by a Python client; only bytes can be read from it");
        else if (IsInteger(typeof(T)) && !flags.HasFlag(ValueEncoding.Serialized))
            result = ParseInteger<T>(bytes.Span); // counters (incr/decr) are stored as raw decimal text
        else
        {
            try
            {
                return serializer.Deserialize<T>(bytes.Span);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or FormatException)
            {
                throw new HoardSerializationException($"the cached value (flags {storedFlags}) cannot be read as {typeof(T).Name}: {ex.Message}", ex);
            }
        }
        return (T?)result;
    }

    private static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(ulong) || type == typeof(uint) || type == typeof(short) || type == typeof(ushort) || type == typeof(byte) || type == typeof(sbyte);

    private static object ParseInteger<T>(ReadOnlySpan<byte> text)
    {
        var trimmed = text.TrimEnd((byte)' '); // memcached pads decremented counters with spaces
        if (typeof(T) == typeof(ulong) && Utf8Parser.TryParse(trimmed, out ulong large, out int usedLarge) && usedLarge == trimmed.Length)
            return large;
        if (Utf8Parser.TryParse(trimmed, out long number, out int used) && used == trimmed.Length)
            return Convert.ChangeType(number, typeof(T), CultureInfo.InvariantCulture);
        throw new HoardSerializationException($"the cached value '{Encoding.ASCII.GetString(trimmed)}' is not an integer");
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(data);
        return output.ToArray();
    }

    private static byte[] Decompress(ReadOnlySpan<byte> data)
    {
        try
        {
            using var input = new MemoryStream(data.ToArray());
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            zlib.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new HoardSerializationException("the value is flagged compressed but is not a zlib stream", ex);
        }
    }
}
