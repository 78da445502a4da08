using System.Text;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>A reusable growable byte array for building fuzz inputs without a per-input allocation.</summary>
public sealed class ByteBuilder
{
    private byte[] _buffer;

    public ByteBuilder(int capacity = 4096) => _buffer = new byte[capacity];

    public int Length { get; private set; }

    public Span<byte> Span => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => Span.ToArray();

    public void Clear() => Length = 0;

    public ByteBuilder Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    public ByteBuilder Append(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
        return this;
    }

    public ByteBuilder Append(string ascii)
    {
        Ensure(ascii.Length);
        Length += Encoding.Latin1.GetBytes(ascii, _buffer.AsSpan(Length));
        return this;
    }

    public ByteBuilder Append(long number) => Append(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public ByteBuilder Append(ulong number) => Append(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public ByteBuilder Repeat(byte value, int count)
    {
        Ensure(count);
        _buffer.AsSpan(Length, count).Fill(value);
        Length += count;
        return this;
    }

    /// <summary>Inserts <paramref name="bytes"/> at <paramref name="index"/>.</summary>
    public void Insert(int index, ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        _buffer.AsSpan(index, Length - index).CopyTo(_buffer.AsSpan(index + bytes.Length));
        bytes.CopyTo(_buffer.AsSpan(index));
        Length += bytes.Length;
    }

    public void Remove(int index, int count)
    {
        _buffer.AsSpan(index + count, Length - index - count).CopyTo(_buffer.AsSpan(index));
        Length -= count;
    }

    public void Truncate(int length) => Length = Math.Min(Length, length);

    private void Ensure(int extra)
    {
        if (Length + extra <= _buffer.Length)
            return;
        Array.Resize(ref _buffer, Math.Max(Length + extra, _buffer.Length * 2));
    }
}
