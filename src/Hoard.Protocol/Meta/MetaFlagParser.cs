using Hoard.Protocol.Text;

namespace Hoard.Protocol.Meta;

/// <summary>
/// Validates a meta command's key and flags the way memcached 1.6's <c>_meta_flag_preparse</c> does, in the same
/// order and with the same error precedence: an unknown or repeated flag stops at once, a bad value is
/// remembered and the last one reported. Never allocates.
/// </summary>
public static class MetaFlagParser
{
    public const int MaxKeyLength = 250;
    public const int MaxOpaqueLength = 32;

    /// <summary>memcached allows 20 tokens: command, key, flags and its terminal token (17 flags; 16 after <c>ms</c>'s length).</summary>
    public const int MaxFlags = 17;

    /// <summary>Flags memcached 1.6.18 accepts on every meta command (unused ones are ignored).</summary>
    private const ulong CommonFlags =
        (1UL << ('C' - 'A')) | (1UL << ('D' - 'A')) | (1UL << ('F' - 'A')) | (1UL << ('I' - 'A')) | (1UL << ('J' - 'A'))
        | (1UL << ('L' - 'A')) | (1UL << ('M' - 'A')) | (1UL << ('N' - 'A')) | (1UL << ('O' - 'A')) | (1UL << ('P' - 'A'))
        | (1UL << ('R' - 'A')) | (1UL << ('T' - 'A'))
        | (1UL << (26 + 'b' - 'a')) | (1UL << (26 + 'c' - 'a')) | (1UL << (26 + 'f' - 'a')) | (1UL << (26 + 'h' - 'a'))
        | (1UL << (26 + 'k' - 'a')) | (1UL << (26 + 'l' - 'a')) | (1UL << (26 + 'q' - 'a')) | (1UL << (26 + 's' - 'a'))
        | (1UL << (26 + 't' - 'a')) | (1UL << (26 + 'u' - 'a')) | (1UL << (26 + 'v' - 'a'));

    /// <summary>The bit of <paramref name="flag"/> in <see cref="MetaFlags.Present"/> (0 for a byte that is no letter).</summary>
    public static ulong Bit(byte flag) => flag switch
    {
        >= (byte)'A' and <= (byte)'Z' => 1UL << (flag - 'A'),
        >= (byte)'a' and <= (byte)'z' => 1UL << (26 + flag - 'a'),
        _ => 0,
    };

    /// <summary>
    /// Parses the flags of <c>mg ms md ma</c>. <paramref name="keyBuffer"/> (at least 250 bytes) receives the decoded
    /// key when <c>b</c> is given. On error the reply is <c>error.Reply(kind)</c>; what was parsed so far stays in
    /// <paramref name="flags"/>.
    /// </summary>
    public static MetaError Parse(TextCommandKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> arguments, Span<byte> keyBuffer, out MetaFlags flags)
    {
        flags = default;
        flags.Key = key;
        flags.Arguments = arguments;
        if (key.Length > MaxKeyLength)
            return MetaError.BadCommandLineFormat;

        int maxFlags = kind == TextCommandKind.MetaSet ? MaxFlags - 1 : MaxFlags;
        var tokens = new MetaFlagTokens(arguments);
        int count = 0;
        while (tokens.TryNext(out _, out _))
        {
            if (++count > maxFlags)
                return MetaError.OptionsTooLong;
        }

        ulong accepted = Accepted(kind);
        var error = MetaError.None;
        tokens = new MetaFlagTokens(arguments);
        while (tokens.TryNext(out byte flag, out var token))
        {
            ulong bit = Bit(flag);
            if (flag >= 127 || (bit != 0 && (flags.Present & bit) != 0))
                return MetaError.DuplicateFlag;
            if ((bit & accepted) == 0)
                return MetaError.InvalidFlag;
            flags.Present |= bit;
            var value = token[1..];
            switch (flag)
            {
                case (byte)'b':
                    int decoded = MetaBase64.Decode(key, keyBuffer);
                    if (decoded == 0)
                        error = MetaError.KeyDecoding;
                    flags.Key = keyBuffer[..decoded];
                    break;
                case (byte)'N':
                    if (!MetaNumber.TryParseInt32(value, out flags.VivifyExptime))
                        error = MetaError.BadToken;
                    break;
                case (byte)'T':
                    if (!MetaNumber.TryParseInt32(value, out flags.Exptime))
                        error = MetaError.BadToken;
                    break;
                case (byte)'R':
                    if (!MetaNumber.TryParseInt32(value, out flags.RecacheThreshold))
                        error = MetaError.BadToken;
                    break;
                case (byte)'F':
                    // memcached flags the error without replacing its default message.
                    if (!MetaNumber.TryParseUInt32(value, out flags.ClientFlags) && error == MetaError.None)
                        error = MetaError.BadClientFlags;
                    break;
                case (byte)'C':
                    if (!MetaNumber.TryParseUInt64(value, out flags.CompareCas))
                        error = MetaError.BadToken;
                    break;
                case (byte)'E':
                    if (!MetaNumber.TryParseUInt64(value, out flags.NewCas))
                        error = MetaError.BadToken;
                    break;
                case (byte)'M':
                    if (token.Length != 2)
                        error = MetaError.MTokenLength;
                    else
                        flags.Mode = token[1];
                    break;
                case (byte)'J':
                    if (!MetaNumber.TryParseUInt64(value, out flags.InitialValue))
                        error = MetaError.InvalidInitialValue;
                    break;
                case (byte)'D':
                    if (!MetaNumber.TryParseUInt64(value, out flags.Delta))
                        error = MetaError.InvalidDeltaValue;
                    break;
                case (byte)'O':
                    flags.Opaque = token;
                    break;
                default:
                    break;
            }
        }
        return error;
    }

    /// <summary>
    /// <c>me &lt;key&gt; [b]</c>: memcached checks only the key length and whether the first argument is exactly
    /// <c>b</c>; anything else on the line is ignored.
    /// </summary>
    public static MetaError ParseDebug(ReadOnlySpan<byte> key, ReadOnlySpan<byte> arguments, Span<byte> keyBuffer, out ReadOnlySpan<byte> decodedKey, out bool binary)
    {
        decodedKey = key;
        binary = false;
        if (key.Length > MaxKeyLength)
            return MetaError.BadCommandLineFormat;
        var tokens = new MetaFlagTokens(arguments);
        if (!tokens.TryNext(out _, out var first) || !first.SequenceEqual("b"u8))
            return MetaError.None;
        int decoded = MetaBase64.Decode(key, keyBuffer);
        if (decoded == 0)
            return MetaError.BadCommandLineFormat;
        decodedKey = keyBuffer[..decoded];
        binary = true;
        return MetaError.None;
    }

    // 1.6.18's flags, plus two later memcached additions Hoard supports: E (explicit new CAS) everywhere, and x
    // (drop the value, keep the item) on md. docs/protocol.md lists them as differences.
    private static ulong Accepted(TextCommandKind kind) => kind == TextCommandKind.MetaDelete
        ? CommonFlags | Bit((byte)'E') | Bit((byte)'x')
        : CommonFlags | Bit((byte)'E');
}
