using System.Text;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>The ways an input is damaged; <see cref="Mutator"/> counts how often each was applied.</summary>
public enum Mutation
{
    None,
    BitFlip,
    ByteReplace,
    ByteInsert,
    RangeDelete,
    Truncate,
    Splice,
    NumberReplace,
    ControlBytes,
    LongToken,
    Duplicate,
    LineEndings,
    RandomBytes,
}

/// <summary>
/// Builds one fuzz input: one to three corpus commands, then zero to four mutations (about one input in eight
/// is left intact, one in twenty is pure noise). Numbers are swapped for the values parsers get wrong: negative,
/// zero, 32- and 64-bit boundaries, overflowing, signed, hex and exponent forms, which also makes data lengths
/// disagree with the data that follows.
/// </summary>
public sealed class Mutator
{
    public static readonly int MutationCount = Enum.GetValues<Mutation>().Length;

    private static readonly string[] InterestingNumbers =
    [
        "-1", "0", "-0", "1", "+5", "007", "4294967295", "4294967296", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999", "1e3", "0x10", " ", "", "1048576", "1048577", "65536",
        "2592000", "2592001", "17592186044424", "-17592186044416",
    ];

    private static readonly byte[] InterestingBytes = [0, (byte)' ', (byte)'\r', (byte)'\n', (byte)'\t', 0x7f, 0x80, 0xff, (byte)'-', (byte)'0', (byte)'9', (byte)'=', (byte)':'];

    private readonly CommandCorpus _corpus;
    private readonly ByteBuilder _scratch = new();

    public Mutator(CommandCorpus corpus) => _corpus = corpus;

    /// <summary>How often each <see cref="Mutation"/> was applied, indexed by its value.</summary>
    public long[] Applied { get; } = new long[MutationCount];

    /// <summary>How often each corpus kind was the first command of an input.</summary>
    public long[] KindsGenerated { get; } = new long[CommandCorpus.Kinds.Length];

    /// <summary>Fills <paramref name="output"/> with the input for <paramref name="rng"/>.</summary>
    public void Generate(ref FuzzRng rng, ByteBuilder output)
    {
        output.Clear();
        if (rng.OneIn(20))
        {
            int length = rng.Next(1, 300);
            for (int i = 0; i < length; i++)
                output.Append(rng.OneIn(3) ? InterestingBytes[rng.Next(InterestingBytes.Length)] : rng.NextByte());
            Applied[(int)Mutation.RandomBytes]++;
            return;
        }
        int commands = rng.Next(1, 4);
        for (int i = 0; i < commands; i++)
        {
            int kind = _corpus.Append(ref rng, output);
            if (i == 0)
                KindsGenerated[kind]++;
        }
        int mutations = rng.OneIn(8) ? 0 : rng.Next(1, 5);
        if (mutations == 0)
            Applied[(int)Mutation.None]++;
        for (int i = 0; i < mutations; i++)
            Mutate(ref rng, output);
    }

    private void Mutate(ref FuzzRng rng, ByteBuilder input)
    {
        var mutation = (Mutation)rng.Next((int)Mutation.BitFlip, (int)Mutation.LineEndings + 1);
        if (input.Length == 0)
            mutation = Mutation.ByteInsert;
        Applied[(int)mutation]++;
        int at = rng.Next(input.Length + 1);
        switch (mutation)
        {
            case Mutation.BitFlip:
                if (at < input.Length)
                    input.Span[at] ^= (byte)(1 << rng.Next(8));
                break;
            case Mutation.ByteReplace:
                if (at < input.Length)
                    input.Span[at] = rng.OneIn(2) ? InterestingBytes[rng.Next(InterestingBytes.Length)] : rng.NextByte();
                break;
            case Mutation.ByteInsert:
            {
                Span<byte> bytes = stackalloc byte[rng.Next(1, 4)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = rng.OneIn(2) ? InterestingBytes[rng.Next(InterestingBytes.Length)] : rng.NextByte();
                input.Insert(at, bytes);
                break;
            }
            case Mutation.RangeDelete:
                input.Remove(Math.Min(at, input.Length), Math.Min(rng.Next(1, 16), input.Length - Math.Min(at, input.Length)));
                break;
            case Mutation.Truncate:
                input.Truncate(at);
                break;
            case Mutation.Splice:
            {
                // The head of this input, then the tail of another command: frames that disagree with themselves.
                _scratch.Clear();
                _corpus.Append(ref rng, _scratch);
                int from = rng.Next(_scratch.Length);
                input.Truncate(at);
                input.Append(_scratch.Span[from..]);
                break;
            }
            case Mutation.NumberReplace:
                ReplaceNumber(ref rng, input, at);
                break;
            case Mutation.ControlBytes:
            {
                Span<byte> bytes = stackalloc byte[rng.Next(1, 8)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = (byte)rng.Next(0, 0x20);
                input.Insert(at, bytes);
                break;
            }
            case Mutation.LongToken:
            {
                // Around the line limit (2048), the key limit (250) and, rarely, well past both.
                int length = rng.Next(4) switch
                {
                    0 => rng.Next(240, 260),
                    1 => rng.Next(2030, 2070),
                    2 => rng.Next(1, 100),
                    _ => rng.Next(2070, 10_000),
                };
                _scratch.Clear();
                _scratch.Repeat(rng.OneIn(4) ? (byte)' ' : (byte)('a' + rng.Next(26)), length);
                input.Insert(at, _scratch.Span);
                break;
            }
            case Mutation.Duplicate:
            {
                int start = Math.Min(at, input.Length);
                int length = Math.Min(rng.Next(1, 64), input.Length - start);
                _scratch.Clear();
                _scratch.Append(input.Span.Slice(start, length));
                input.Insert(rng.Next(input.Length + 1), _scratch.Span);
                break;
            }
            case Mutation.LineEndings:
            {
                // Drop a CR, turn an LF into CR, or add a stray LF.
                int index = input.Span.IndexOfAny((byte)'\r', (byte)'\n');
                if (index < 0)
                    break;
                var span = input.Span;
                for (int skip = rng.Next(4); skip > 0; skip--)
                {
                    int next = span[(index + 1)..].IndexOfAny((byte)'\r', (byte)'\n');
                    if (next < 0)
                        break;
                    index += next + 1;
                }
                switch (rng.Next(3))
                {
                    case 0: input.Remove(index, 1); break;
                    case 1: input.Span[index] = input.Span[index] == (byte)'\n' ? (byte)'\r' : (byte)'\n'; break;
                    default: input.Insert(index, "\n"u8); break;
                }
                break;
            }
            default:
                break;
        }
    }

    private static void ReplaceNumber(ref FuzzRng rng, ByteBuilder input, int at)
    {
        // The first run of digits at or after a random position (wrapping to the start).
        var span = input.Span;
        int start = IndexOfDigit(span, Math.Min(at, span.Length));
        if (start < 0)
            start = IndexOfDigit(span, 0);
        if (start < 0)
            return;
        int end = start;
        while (end < span.Length && span[end] is >= (byte)'0' and <= (byte)'9')
            end++;
        if (start > 0 && span[start - 1] == (byte)'-')
            start--;
        input.Remove(start, end - start);
        string replacement = rng.OneIn(8)
            ? rng.NextUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : InterestingNumbers[rng.Next(InterestingNumbers.Length)];
        input.Insert(start, Encoding.ASCII.GetBytes(replacement));
    }

    private static int IndexOfDigit(ReadOnlySpan<byte> span, int from)
    {
        int index = span[from..].IndexOfAnyInRange((byte)'0', (byte)'9');
        return index < 0 ? -1 : index + from;
    }
}
