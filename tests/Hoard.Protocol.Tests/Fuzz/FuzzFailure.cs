using System.Text;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>An invariant broken by one fuzz input; the message carries what is needed to replay it.</summary>
public sealed class FuzzFailure : Exception
{
    public FuzzFailure()
    {
    }

    public FuzzFailure(string message)
        : base(message)
    {
    }

    public FuzzFailure(string message, Exception inner)
        : base(message, inner)
    {
    }

    public static FuzzFailure For(string fuzzer, ulong seed, long index, ReadOnlySpan<byte> input, string problem, Exception? inner = null)
    {
        var text = new StringBuilder()
            .Append(fuzzer).Append(": ").Append(problem).AppendLine()
            .Append("seed ").Append(seed).Append(", input #").Append(index)
            .Append(" (replay: HOARD_FUZZ_SEED=").Append(seed).Append(" HOARD_FUZZ_REPLAY=").Append(index).AppendLine(")")
            .Append("input (").Append(input.Length).Append(" bytes): ").Append(Escape(input, 1500));
        return inner is null ? new FuzzFailure(text.ToString()) : new FuzzFailure(text.ToString(), inner);
    }

    /// <summary>Printable ASCII as is, everything else as \xNN, cut at <paramref name="limit"/> bytes.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes, int limit)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes[..Math.Min(bytes.Length, limit)])
        {
            if (b == (byte)'\r') text.Append("\\r");
            else if (b == (byte)'\n') text.Append("\\n");
            else if (b == (byte)'\\') text.Append("\\\\");
            else if (b is >= 0x20 and < 0x7f) text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (bytes.Length > limit)
            text.Append("... (").Append(bytes.Length - limit).Append(" more)");
        return text.ToString();
    }
}
