using Hoard.Protocol;
using Hoard.Protocol.Binary;
using Hoard.Server.Statistics;

namespace Hoard.Server.Binary;

/// <summary>The binary protocol's stats: one response packet per stat, its name as the key and its value as the value.</summary>
internal readonly struct BinaryStatsSink(OutputBuffer output, uint opaque) : IStatsSink
{
    public void Stat(string name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out int length);
        Write(name, digits[..length]);
    }

    public void Stat(string name, string value)
    {
        var bytes = Ascii(value);
        Write(name, bytes);
    }

    private void Write(string name, ReadOnlySpan<byte> value) =>
        BinaryResponseWriter.Write(output, BinaryOpcode.Stat, BinaryStatus.Success, opaque, 0, default, Ascii(name), value);

    // Stat names and values are ASCII; anything else becomes '?', as the text writer does.
    private static byte[] Ascii(string text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
            bytes[i] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        return bytes;
    }
}
