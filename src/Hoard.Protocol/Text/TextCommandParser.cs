using System.Buffers.Text;

namespace Hoard.Protocol.Text;

public enum ParseStatus : byte
{
    /// <summary>A whole command (and its data block) was parsed.</summary>
    Complete,
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>The command was refused; <see cref="TextCommand.Error"/> says why and the consumed bytes are skipped.</summary>
    Error,
}

/// <summary>Limits the parser enforces on one connection.</summary>
/// <param name="MaxLineLength">Longest command line other than a retrieval.</param>
/// <param name="MaxRetrievalLineLength">Longest get/gets/gat/gats line (many keys).</param>
/// <param name="MaxValueLength">Largest data block accepted before refusing it unread.</param>
/// <param name="LenientKeys">Accept control characters in keys, as memcached 1.6 does (protocol.txt forbids them).</param>
public readonly record struct ParserLimits(int MaxLineLength, int MaxRetrievalLineLength, int MaxValueLength, bool LenientKeys = false)
{
    public static ParserLimits Default { get; } = new(2048, 1024 * 1024, 1024 * 1024);
}

/// <summary>
/// Parses memcached's text protocol (and the framing of meta commands) straight from the receive buffer.
/// It never allocates and reports <see cref="ParseStatus.Incomplete"/> until a whole command has arrived.
/// </summary>
public static class TextCommandParser
{
    public const int MaxKeyLength = 250;

    public static ParseStatus TryParse(ReadOnlySpan<byte> buffer, in ParserLimits limits, out TextCommand command, out int consumed) =>
        TryParse(buffer, in limits, 0, out command, out consumed);

    /// <summary>
    /// As <see cref="TryParse(ReadOnlySpan{byte}, in ParserLimits, out TextCommand, out int)"/>, but the
    /// caller knows the first <paramref name="searchFrom"/> bytes hold no newline (an earlier call said
    /// incomplete), so a long line arriving in small pieces is scanned once, not once per piece.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> buffer, in ParserLimits limits, int searchFrom, out TextCommand command, out int consumed)
    {
        TextCommand parsed = default;
        var status = Parse(buffer, in limits, searchFrom, ref parsed, out consumed);
        command = parsed;
        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> buffer, in ParserLimits limits, int searchFrom, ref TextCommand command, out int consumed)
    {
        consumed = 0;
        int newline = buffer[searchFrom..].IndexOf((byte)'\n');
        if (newline >= 0)
            newline += searchFrom;
        if (newline < 0)
        {
            // A last CR may end a line just within the limit whose LF is still on its way (found by fuzzing).
            int lineLength = buffer.Length > 0 && buffer[^1] == (byte)'\r' ? buffer.Length - 1 : buffer.Length;
            if (lineLength <= limits.MaxLineLength)
                return ParseStatus.Incomplete;
            // Only a multi-key retrieval may legitimately be this long (memcached makes the same exception).
            if (IsRetrieval(buffer) && lineLength <= limits.MaxRetrievalLineLength)
                return ParseStatus.Incomplete;
            command.Error = ProtocolError.LineTooLong;
            consumed = buffer.Length;
            return ParseStatus.Error;
        }

        var line = buffer[..newline];
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];
        int lineConsumed = newline + 1;
        consumed = lineConsumed;
        if (line.Length > limits.MaxLineLength && !(IsRetrieval(line) && line.Length <= limits.MaxRetrievalLineLength))
        {
            command.Error = ProtocolError.LineTooLong;
            return ParseStatus.Error;
        }

        var tokens = new KeyTokenizer(line);
        if (!tokens.TryNext(out var name))
            return Fail(ref command, ProtocolError.UnknownCommand);
        command.Name = name;
        command.Kind = Classify(name);

        switch (command.Kind)
        {
            case TextCommandKind.Get:
            case TextCommandKind.Gets:
                command.Keys = tokens.Remaining;
                return HasToken(command.Keys) ? ParseStatus.Complete : Fail(ref command, ProtocolError.UnknownCommand);

            case TextCommandKind.Gat:
            case TextCommandKind.Gats:
                if (!tokens.TryNext(out var gatExptime))
                    return Fail(ref command, ProtocolError.UnknownCommand);
                if (!TryParseInt64(gatExptime, out command.Exptime))
                    return Fail(ref command, ProtocolError.InvalidExptime);
                // memcached answers a gat without keys with an empty result.
                command.Keys = tokens.Remaining;
                return ParseStatus.Complete;

            case TextCommandKind.Set:
            case TextCommandKind.Add:
            case TextCommandKind.Replace:
            case TextCommandKind.Append:
            case TextCommandKind.Prepend:
            case TextCommandKind.Cas:
                return ParseStorage(buffer, lineConsumed, ref tokens, in limits, ref command, out consumed);

            case TextCommandKind.MetaSet:
                return ParseMetaSet(buffer, lineConsumed, ref tokens, in limits, ref command, out consumed);

            case TextCommandKind.MetaGet:
            case TextCommandKind.MetaDelete:
            case TextCommandKind.MetaArithmetic:
            case TextCommandKind.MetaDebug:
                if (!tokens.TryNext(out command.Key))
                    return Fail(ref command, ProtocolError.UnknownCommand);
                command.Arguments = tokens.Remaining;
                return ParseStatus.Complete;

            case TextCommandKind.MetaNoOp:
                command.Arguments = tokens.Remaining;
                return ParseStatus.Complete;

            case TextCommandKind.Delete:
                return ParseDelete(ref tokens, in limits, ref command);

            case TextCommandKind.Incr:
            case TextCommandKind.Decr:
            {
                int count = Collect(ref tokens, out var t0, out var t1, out var t2, out _);
                if (count is < 2 or > 3)
                    return Fail(ref command, ProtocolError.UnknownCommand);
                if (!IsValidKey(t0, limits.LenientKeys))
                    return Fail(ref command, ProtocolError.BadCommandLineFormat);
                command.Key = t0;
                command.NoReply = count == 3 && IsNoReply(t2);
                if (!Utf8Parser.TryParse(t1, out command.Delta, out int used) || used != t1.Length)
                    return Fail(ref command, ProtocolError.InvalidDelta);
                return ParseStatus.Complete;
            }

            case TextCommandKind.Touch:
            {
                int count = Collect(ref tokens, out var t0, out var t1, out var t2, out _);
                if (count is < 2 or > 3)
                    return Fail(ref command, ProtocolError.UnknownCommand);
                if (!IsValidKey(t0, limits.LenientKeys))
                    return Fail(ref command, ProtocolError.BadCommandLineFormat);
                command.Key = t0;
                command.NoReply = count == 3 && IsNoReply(t2);
                if (!TryParseInt64(t1, out command.Exptime))
                    return Fail(ref command, ProtocolError.InvalidExptime);
                return ParseStatus.Complete;
            }

            case TextCommandKind.FlushAll:
            {
                int count = Collect(ref tokens, out var t0, out var t1, out _, out _);
                if (count > 2)
                    return Fail(ref command, ProtocolError.UnknownCommand);
                command.NoReply = count > 0 && IsNoReply(count == 2 ? t1 : t0);
                if (count == 2 || (count == 1 && !command.NoReply))
                {
                    if (!TryParseInt64(t0, out command.Exptime))
                        return Fail(ref command, ProtocolError.InvalidExptime);
                }
                return ParseStatus.Complete;
            }

            case TextCommandKind.Verbosity:
            case TextCommandKind.CacheMemLimit:
            {
                int count = Collect(ref tokens, out var t0, out var t1, out _, out _);
                if (count is < 1 or > 2)
                    return Fail(ref command, ProtocolError.UnknownCommand);
                // As in memcached, a trailing "noreply" silences the reply even when it is the only argument.
                command.NoReply = IsNoReply(count == 2 ? t1 : t0);
                command.Arguments = t0;
                return ParseStatus.Complete;
            }

            case TextCommandKind.Version:
            case TextCommandKind.Quit:
            case TextCommandKind.Stats:
            case TextCommandKind.Shutdown:
                command.Arguments = tokens.Remaining;
                return ParseStatus.Complete;

            case TextCommandKind.RefreshCerts:
            {
                // memcached ignores any arguments; a last "noreply" silences only the OK.
                command.Arguments = tokens.Remaining;
                ReadOnlySpan<byte> last = default;
                while (tokens.TryNext(out var token))
                    last = token;
                command.NoReply = IsNoReply(last);
                return ParseStatus.Complete;
            }

            default:
                return Fail(ref command, ProtocolError.UnknownCommand);
        }
    }

    /// <summary>
    /// A key is 1-250 bytes with no control characters (spaces cannot occur inside a token). In lenient mode
    /// only the length is checked, which is what memcached itself does.
    /// </summary>
    public static bool IsValidKey(ReadOnlySpan<byte> key, bool lenient = false)
    {
        if (key.Length is 0 or > MaxKeyLength)
            return false;
        if (lenient)
            return true;
        foreach (byte b in key)
        {
            if (b < 0x21 || b == 0x7f)
                return false;
        }
        return true;
    }

    public static bool TryParseInt64(ReadOnlySpan<byte> token, out long value) =>
        Utf8Parser.TryParse(token, out value, out int used) && used == token.Length && token.Length > 0;

    private static ParseStatus ParseStorage(ReadOnlySpan<byte> buffer, int lineConsumed, scoped ref KeyTokenizer tokens, in ParserLimits limits, scoped ref TextCommand command, out int consumed)
    {
        consumed = lineConsumed;
        bool isCas = command.Kind == TextCommandKind.Cas;
        int required = isCas ? 5 : 4;
        int count = 0;
        ReadOnlySpan<byte> key = default, flags = default, exptime = default, bytes = default, cas = default, extra = default;
        while (tokens.TryNext(out var token))
        {
            switch (count++)
            {
                case 0: key = token; break;
                case 1: flags = token; break;
                case 2: exptime = token; break;
                case 3: bytes = token; break;
                case 4: if (isCas) cas = token; else extra = token; break;
                case 5: extra = token; break;
                default: return Fail(ref command, ProtocolError.UnknownCommand);
            }
        }
        if (count != required && count != required + 1)
            return Fail(ref command, ProtocolError.UnknownCommand);
        command.NoReply = count == required + 1 && IsNoReply(extra);
        if (!IsValidKey(key, limits.LenientKeys))
            return Fail(ref command, ProtocolError.BadCommandLineFormat);
        command.Key = key;
        if (!Utf8Parser.TryParse(flags, out command.Flags, out int used) || used != flags.Length
            || !TryParseInt64(exptime, out command.Exptime)
            || !Utf8Parser.TryParse(bytes, out command.ValueLength, out used) || used != bytes.Length
            || command.ValueLength < 0
            || (isCas && (!Utf8Parser.TryParse(cas, out command.CasUnique, out used) || used != cas.Length)))
        {
            return Fail(ref command, ProtocolError.BadCommandLineFormat);
        }
        return TakeDataBlock(buffer, lineConsumed, in limits, ref command, out consumed);
    }

    private static ParseStatus ParseMetaSet(ReadOnlySpan<byte> buffer, int lineConsumed, scoped ref KeyTokenizer tokens, in ParserLimits limits, scoped ref TextCommand command, out int consumed)
    {
        consumed = lineConsumed;
        if (!tokens.TryNext(out command.Key))
            return Fail(ref command, ProtocolError.UnknownCommand);
        // As memcached does, a malformed ms line is refused without consuming its data block.
        if (!tokens.TryNext(out var length) || command.Key.Length > MaxKeyLength)
            return Fail(ref command, ProtocolError.BadCommandLineFormat);
        command.Arguments = tokens.Remaining;
        if (!Utf8Parser.TryParse(length, out command.ValueLength, out int used) || used != length.Length || command.ValueLength < 0)
            return Fail(ref command, ProtocolError.BadCommandLineFormat);
        return TakeDataBlock(buffer, lineConsumed, in limits, ref command, out consumed);
    }

    private static ParseStatus TakeDataBlock(ReadOnlySpan<byte> buffer, int lineConsumed, in ParserLimits limits, scoped ref TextCommand command, out int consumed)
    {
        consumed = lineConsumed;
        if (command.ValueLength > limits.MaxValueLength)
        {
            // Refuse at once and let the connection discard the data as it arrives, without buffering it.
            command.SwallowBytes = (long)command.ValueLength + 2;
            return Fail(ref command, ProtocolError.ObjectTooLarge);
        }
        long needed = (long)lineConsumed + command.ValueLength + 2;
        if (buffer.Length < needed)
        {
            consumed = 0;
            return ParseStatus.Incomplete;
        }
        consumed = (int)needed;
        var block = buffer.Slice(lineConsumed, command.ValueLength + 2);
        if (block[^2] != (byte)'\r' || block[^1] != (byte)'\n')
            return Fail(ref command, ProtocolError.BadDataChunk);
        command.Value = block[..^2];
        return ParseStatus.Complete;
    }

    private static ParseStatus ParseDelete(scoped ref KeyTokenizer tokens, in ParserLimits limits, scoped ref TextCommand command)
    {
        int count = Collect(ref tokens, out var key, out var t1, out var t2, out var t3);
        if (count is < 1 or > 3)
            return Fail(ref command, ProtocolError.UnknownCommand);
        if (!IsValidKey(key, limits.LenientKeys))
            return Fail(ref command, ProtocolError.BadCommandLineFormat);
        command.Key = key;
        // memcached accepts "delete <key> [0] [noreply]"; any other hold time is refused with a usage hint.
        if (count == 3)
        {
            if (!t1.SequenceEqual("0"u8) || !IsNoReply(t2))
                return Fail(ref command, ProtocolError.DeleteUsage);
            command.NoReply = true;
        }
        else if (count == 2)
        {
            if (IsNoReply(t1))
                command.NoReply = true;
            else if (!t1.SequenceEqual("0"u8))
                return Fail(ref command, ProtocolError.DeleteUsage);
        }
        _ = t3;
        return ParseStatus.Complete;
    }

    private static int Collect(scoped ref KeyTokenizer tokens, out ReadOnlySpan<byte> t0, out ReadOnlySpan<byte> t1, out ReadOnlySpan<byte> t2, out ReadOnlySpan<byte> t3)
    {
        t0 = t1 = t2 = t3 = default;
        int count = 0;
        while (tokens.TryNext(out var token))
        {
            switch (count++)
            {
                case 0: t0 = token; break;
                case 1: t1 = token; break;
                case 2: t2 = token; break;
                case 3: t3 = token; break;
                default: break;
            }
        }
        return count;
    }

    private static ParseStatus Fail(scoped ref TextCommand command, ProtocolError error)
    {
        command.Error = error;
        return ParseStatus.Error;
    }

    private static bool HasToken(ReadOnlySpan<byte> span) => span.IndexOfAnyExcept((byte)' ') >= 0;

    private static bool IsNoReply(ReadOnlySpan<byte> token) => token.SequenceEqual("noreply"u8);

    private static bool IsRetrieval(ReadOnlySpan<byte> line)
    {
        var trimmed = line.TrimStart((byte)' ');
        // As memcached: over 100 leading spaces is no retrieval. Also makes the answer the same however the line
        // arrives: a partial line past the limit always shows its command word (found by fuzzing).
        if (line.Length - trimmed.Length > 100)
            return false;
        return trimmed.StartsWith("get "u8) || trimmed.StartsWith("gets "u8) || trimmed.StartsWith("gat "u8) || trimmed.StartsWith("gats "u8);
    }

    private static TextCommandKind Classify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 2:
                if (name[0] != (byte)'m') return TextCommandKind.Unknown;
                return name[1] switch
                {
                    (byte)'g' => TextCommandKind.MetaGet,
                    (byte)'s' => TextCommandKind.MetaSet,
                    (byte)'d' => TextCommandKind.MetaDelete,
                    (byte)'a' => TextCommandKind.MetaArithmetic,
                    (byte)'n' => TextCommandKind.MetaNoOp,
                    (byte)'e' => TextCommandKind.MetaDebug,
                    _ => TextCommandKind.Unknown,
                };
            case 3:
                if (name.SequenceEqual("get"u8)) return TextCommandKind.Get;
                if (name.SequenceEqual("set"u8)) return TextCommandKind.Set;
                if (name.SequenceEqual("add"u8)) return TextCommandKind.Add;
                if (name.SequenceEqual("cas"u8)) return TextCommandKind.Cas;
                if (name.SequenceEqual("gat"u8)) return TextCommandKind.Gat;
                return TextCommandKind.Unknown;
            case 4:
                if (name.SequenceEqual("gets"u8)) return TextCommandKind.Gets;
                if (name.SequenceEqual("incr"u8)) return TextCommandKind.Incr;
                if (name.SequenceEqual("decr"u8)) return TextCommandKind.Decr;
                if (name.SequenceEqual("gats"u8)) return TextCommandKind.Gats;
                if (name.SequenceEqual("quit"u8)) return TextCommandKind.Quit;
                return TextCommandKind.Unknown;
            case 5:
                if (name.SequenceEqual("touch"u8)) return TextCommandKind.Touch;
                if (name.SequenceEqual("stats"u8)) return TextCommandKind.Stats;
                return TextCommandKind.Unknown;
            case 6:
                if (name.SequenceEqual("delete"u8)) return TextCommandKind.Delete;
                if (name.SequenceEqual("append"u8)) return TextCommandKind.Append;
                return TextCommandKind.Unknown;
            case 7:
                if (name.SequenceEqual("replace"u8)) return TextCommandKind.Replace;
                if (name.SequenceEqual("prepend"u8)) return TextCommandKind.Prepend;
                if (name.SequenceEqual("version"u8)) return TextCommandKind.Version;
                return TextCommandKind.Unknown;
            case 8:
                return name.SequenceEqual("shutdown"u8) ? TextCommandKind.Shutdown : TextCommandKind.Unknown;
            case 9:
                if (name.SequenceEqual("flush_all"u8)) return TextCommandKind.FlushAll;
                if (name.SequenceEqual("verbosity"u8)) return TextCommandKind.Verbosity;
                return TextCommandKind.Unknown;
            case 13:
                return name.SequenceEqual("refresh_certs"u8) ? TextCommandKind.RefreshCerts : TextCommandKind.Unknown;
            case 14:
                return name.SequenceEqual("cache_memlimit"u8) ? TextCommandKind.CacheMemLimit : TextCommandKind.Unknown;
            default:
                return TextCommandKind.Unknown;
        }
    }
}
