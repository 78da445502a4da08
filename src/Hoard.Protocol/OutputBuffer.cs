using System.Buffers;
using System.Buffers.Text;

namespace Hoard.Protocol;

/// <summary>
/// A growable reply buffer over pooled arrays. A connection writes a batch of replies here and sends them
/// with one socket call; <see cref="Reset"/> returns oversized arrays to the pool so an idle connection
/// holds only its initial capacity.
/// </summary>
public sealed class OutputBuffer : IBufferWriter<byte>, IDisposable
{
    private readonly int _initialCapacity;
    private byte[] _buffer;
    private int _length;

    public OutputBuffer(int initialCapacity = 16 * 1024)
    {
        _initialCapacity = initialCapacity;
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int written);
        _length += written;
    }

    public void WriteInt64(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int written);
        _length += written;
    }

    /// <summary>Writes ASCII text (stats values, messages); characters above 0x7f become '?'.</summary>
    public void WriteAscii(string text)
    {
        Ensure(text.Length);
        var target = _buffer.AsSpan(_length, text.Length);
        for (int i = 0; i < text.Length; i++)
            target[i] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        _length += text.Length;
    }

    /// <summary>Drops everything written after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
    }

    /// <summary>Forgets the contents and, if the buffer grew, returns the large array to the pool.</summary>
    public void Reset()
    {
        _length = 0;
        if (_buffer.Length > _initialCapacity * 4)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(_initialCapacity);
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private void Ensure(int extra)
    {
        if (_buffer.Length - _length >= extra)
            return;
        int wanted = checked(_length + extra);
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(wanted, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
