using Hoard.Protocol;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;
using Hoard.Storage;

namespace Hoard.Server.Meta;

/// <summary>
/// Executes memcached's meta commands (<c>mg ms md ma mn me</c>) against the cache, replying byte for byte as
/// memcached 1.6.18 does. Return flags follow the request's order; nothing is allocated per request.
/// </summary>
public sealed class MetaCommandHandler
{
    private const byte FlagOpaque = (byte)'O';
    private const byte FlagKey = (byte)'k';

    private readonly CacheEngine _engine;

    public MetaCommandHandler(CacheEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    public void Execute(scoped ref TextCommand command, OutputBuffer output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (command.Kind)
        {
            case TextCommandKind.MetaNoOp:
                output.Write(MetaReplyWriter.NoOp);
                break;
            case TextCommandKind.MetaDebug:
                Debug(ref command, output);
                break;
            case TextCommandKind.MetaGet:
                Get(ref command, output);
                break;
            case TextCommandKind.MetaSet:
                Set(ref command, output);
                break;
            case TextCommandKind.MetaDelete:
                Delete(ref command, output);
                break;
            case TextCommandKind.MetaArithmetic:
                Arithmetic(ref command, output);
                break;
            default:
                output.Write(ProtocolError.UnknownCommand.Reply());
                break;
        }
    }

    private void Get(scoped ref TextCommand command, OutputBuffer output)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.Parse(TextCommandKind.MetaGet, command.Key, command.Arguments, keyBuffer, out var flags);
        if (error != MetaError.None)
        {
            output.Write(error.Reply(TextCommandKind.MetaGet));
            return;
        }

        ReadOptions options = default;
        if (flags.Has((byte)'T'))
        {
            options.Touch = true;
            options.TouchExptime = flags.Exptime;
            options.CountAsTouch = true;
        }
        options.NoLruBump = flags.Has((byte)'u');
        if (flags.Has((byte)'N'))
        {
            options.VivifyOnMiss = true;
            options.VivifyExptime = CreatedItemExptime(in flags);
        }
        if (flags.Has((byte)'R') && TryRecacheThreshold(flags.RecacheThreshold, out long threshold))
        {
            options.HasRecacheThreshold = true;
            options.RecacheThresholdSeconds = threshold;
        }
        if (flags.Has((byte)'E'))
        {
            options.HasNewCas = true;
            options.NewCas = flags.NewCas;
        }

        // memcached notices a long opaque only while writing the reply, after the read took effect.
        if (flags.OpaqueTooLong)
        {
            var discard = default(DiscardingReader);
            _engine.Read(flags.Key, in options, ref discard);
            output.Write(MetaError.OpaqueTooLong.Reply(TextCommandKind.MetaGet));
            return;
        }

        var reader = new GetReplyWriter(this, output, flags);
        if (_engine.Read(flags.Key, in options, ref reader) != ReadResult.Miss)
            return;
        if (flags.Quiet)
            return;
        MetaReplyWriter.WriteStatus(output, MetaStatus.End);
        WriteOpaqueAndKey(output, in flags);
        output.Write(MetaReplyWriter.LineEnd);
    }

    private void Set(scoped ref TextCommand command, OutputBuffer output)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.Parse(TextCommandKind.MetaSet, command.Key, command.Arguments, keyBuffer, out var flags);
        if (error == MetaError.None)
        {
            // memcached checks the opaque first, but an invalid mode overwrites that message.
            if (flags.OpaqueTooLong)
                error = MetaError.OpaqueTooLong;
            if (!TryStoreMode(flags.Mode, out var mode))
                error = MetaError.InvalidSetMode;
            if (error == MetaError.None)
            {
                Store(command.Value, in flags, mode, output);
                return;
            }
        }
        output.Write(error.Reply(TextCommandKind.MetaSet));
    }

    private void Store(ReadOnlySpan<byte> value, scoped in MetaFlags flags, StoreMode mode, OutputBuffer output)
    {
        var request = new StoreRequest
        {
            Mode = mode,
            ClientFlags = flags.ClientFlags,
            Exptime = flags.Exptime,
        };
        if (flags.Has((byte)'C'))
        {
            switch (mode)
            {
                // memcached turns set and replace with a CAS into its cas command; only that one may store stale (I).
                case StoreMode.Set:
                case StoreMode.Replace:
                    request.Mode = StoreMode.Cas;
                    request.CompareCas = flags.CompareCas;
                    request.Invalidate = flags.Has((byte)'I');
                    break;
                case StoreMode.Append:
                case StoreMode.Prepend:
                    request.HasCompareCas = true;
                    request.CompareCas = flags.CompareCas;
                    break;
                default:
                    break;  // add ignores the CAS
            }
        }
        if (flags.Has((byte)'E'))
        {
            request.HasNewCas = true;
            request.NewCas = flags.NewCas;
        }
        if (flags.Has((byte)'N') && mode is StoreMode.Append or StoreMode.Prepend)
        {
            request.VivifyOnMiss = true;
            request.VivifyExptime = flags.VivifyExptime;
        }

        var result = _engine.Store(in request, flags.Key, value, out var info);
        MetaStatus status;
        switch (result)
        {
            case StoreResult.Stored: status = MetaStatus.Header; break;
            case StoreResult.NotStored: status = MetaStatus.NotStored; break;
            case StoreResult.Exists: status = MetaStatus.Exists; break;
            case StoreResult.NotFound: status = MetaStatus.NotFound; break;
            default:
                // Like memcached, a value that cannot be stored must not leave the old one behind.
                DeleteRequest remove = default;
                _engine.Delete(flags.Key, in remove);
                output.Write(result == StoreResult.TooLarge ? TextReplyWriter.TooLarge : TextReplyWriter.OutOfMemory);
                return;
        }
        if (flags.Quiet && MetaQuietMode.Suppresses(TextCommandKind.MetaSet, status))
            return;

        MetaReplyWriter.WriteStatus(output, status);
        ulong cas = result == StoreResult.Stored ? info.Cas : 0;
        var tokens = new MetaFlagTokens(flags.Arguments);
        while (tokens.TryNext(out byte flag, out var token))
        {
            switch (flag)
            {
                case FlagOpaque: MetaReplyWriter.WriteOpaque(output, token); break;
                case FlagKey: MetaReplyWriter.WriteKey(output, flags.Key, flags.KeyIsBinary); break;
                case (byte)'c': MetaReplyWriter.WriteFlag(output, (byte)'c', cas); break;
                default: break;
            }
        }
        output.Write(MetaReplyWriter.LineEnd);
    }

    private void Delete(scoped ref TextCommand command, OutputBuffer output)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.Parse(TextCommandKind.MetaDelete, command.Key, command.Arguments, keyBuffer, out var flags);
        if (error == MetaError.None && flags.OpaqueTooLong)
            error = MetaError.OpaqueTooLong;
        if (error != MetaError.None)
        {
            output.Write(error.Reply(TextCommandKind.MetaDelete));
            return;
        }

        var request = new DeleteRequest
        {
            HasCompareCas = flags.Has((byte)'C'),
            CompareCas = flags.CompareCas,
            HasNewCas = flags.Has((byte)'E'),
            NewCas = flags.NewCas,
            Invalidate = flags.Has((byte)'I'),
            HasExptime = flags.Has((byte)'T'),
            Exptime = flags.Exptime,
            RemoveValueOnly = flags.Has((byte)'x'),
        };
        var status = _engine.Delete(flags.Key, in request) switch
        {
            DeleteResult.Deleted => MetaStatus.Header,
            DeleteResult.Exists => MetaStatus.Exists,
            _ => MetaStatus.NotFound,
        };
        if (flags.Quiet && MetaQuietMode.Suppresses(TextCommandKind.MetaDelete, status))
            return;
        MetaReplyWriter.WriteStatus(output, status);
        WriteOpaqueAndKey(output, in flags);
        output.Write(MetaReplyWriter.LineEnd);
    }

    private void Arithmetic(scoped ref TextCommand command, OutputBuffer output)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.Parse(TextCommandKind.MetaArithmetic, command.Key, command.Arguments, keyBuffer, out var flags);
        bool decrement = false;
        if (error == MetaError.None)
        {
            switch (flags.Mode)
            {
                case 0:
                case (byte)'I':
                case (byte)'+':
                    break;
                case (byte)'D':
                case (byte)'-':
                    decrement = true;
                    break;
                default:
                    error = MetaError.InvalidArithmeticMode;
                    break;
            }
        }
        if (error != MetaError.None)
        {
            output.Write(error.Reply(TextCommandKind.MetaArithmetic));
            return;
        }

        var request = new ArithmeticRequest
        {
            Decrement = decrement,
            Delta = flags.Has((byte)'D') ? flags.Delta : 1,
            // memcached's do_add_delta treats a zero CAS token as no CAS at all.
            HasCompareCas = flags.Has((byte)'C') && flags.CompareCas != 0,
            CompareCas = flags.CompareCas,
            HasNewCas = flags.Has((byte)'E'),
            NewCas = flags.NewCas,
            VivifyOnMiss = flags.Has((byte)'N'),
            VivifyExptime = CreatedItemExptime(in flags),
            InitialValue = flags.InitialValue,
            HasExptime = flags.Has((byte)'T'),
            Exptime = flags.Exptime,
        };
        var result = _engine.Arithmetic(flags.Key, in request, out var reply);

        // As in mg, memcached refuses a long opaque only when it writes the reply, after the update.
        if (flags.OpaqueTooLong)
        {
            output.Write(MetaError.OpaqueTooLong.Reply(TextCommandKind.MetaArithmetic));
            return;
        }
        switch (result)
        {
            case ArithmeticResult.Ok:
                WriteArithmeticReply(output, in flags, in reply);
                return;
            case ArithmeticResult.NonNumeric:
                output.Write(TextReplyWriter.NonNumeric);
                return;
            case ArithmeticResult.NotStored:
                output.Write("SERVER_ERROR Out of memory allocating new item\r\n"u8);
                return;
            case ArithmeticResult.OutOfMemory:
                output.Write("SERVER_ERROR out of memory\r\n"u8);
                return;
            default:
                var status = result == ArithmeticResult.Exists ? MetaStatus.Exists : MetaStatus.NotFound;
                MetaReplyWriter.WriteStatus(output, status);
                WriteOpaqueAndKey(output, in flags);
                output.Write(MetaReplyWriter.LineEnd);
                return;
        }
    }

    private void WriteArithmeticReply(OutputBuffer output, scoped in MetaFlags flags, in ArithmeticReply reply)
    {
        bool withValue = flags.Has((byte)'v');
        var status = withValue ? MetaStatus.Value : MetaStatus.Header;
        if (flags.Quiet && MetaQuietMode.Suppresses(TextCommandKind.MetaArithmetic, status, reply.Created))
            return;

        Span<byte> digits = stackalloc byte[20];
        reply.Value.TryFormat(digits, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
        MetaReplyWriter.WriteStatus(output, status, length);

        // t reports the TTL as of its place in the request: T (or N on a created counter) may come later.
        long ttl = reply.TtlBeforeUpdateSeconds;
        var tokens = new MetaFlagTokens(flags.Arguments);
        while (tokens.TryNext(out byte flag, out var token))
        {
            switch (flag)
            {
                case (byte)'c': MetaReplyWriter.WriteFlag(output, (byte)'c', reply.Cas); break;
                case (byte)'t': MetaReplyWriter.WriteFlag(output, (byte)'t', ttl); break;
                case (byte)'T': ttl = reply.Created ? TtlFromExptime(flags.Exptime) : reply.TtlSeconds; break;
                case (byte)'N': if (reply.Created) ttl = TtlFromExptime(flags.VivifyExptime); break;
                case FlagOpaque: MetaReplyWriter.WriteOpaque(output, token); break;
                case FlagKey: MetaReplyWriter.WriteKey(output, flags.Key, flags.KeyIsBinary); break;
                default: break;
            }
        }
        MetaReplyWriter.WriteEnd(output, digits[..length], withValue);
    }

    private void Debug(scoped ref TextCommand command, OutputBuffer output)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.ParseDebug(command.Key, command.Arguments, keyBuffer, out var key, out bool binary);
        if (error != MetaError.None)
        {
            output.Write(error.Reply(TextCommandKind.MetaDebug));
            return;
        }
        var options = new ReadOptions { NoLruBump = true };
        scoped var reader = new DebugReplyWriter(output, binary, _engine.CasEnabled);
        if (_engine.Read(key, in options, ref reader) == ReadResult.Miss)
            output.Write(MetaReplyWriter.Miss);
    }

    private static void WriteOpaqueAndKey(OutputBuffer output, scoped in MetaFlags flags)
    {
        var tokens = new MetaFlagTokens(flags.Arguments);
        while (tokens.TryNext(out byte flag, out var token))
        {
            if (flag == FlagOpaque)
                MetaReplyWriter.WriteOpaque(output, token);
            else if (flag == FlagKey)
                MetaReplyWriter.WriteKey(output, flags.Key, flags.KeyIsBinary);
        }
    }

    private static bool TryStoreMode(byte mode, out StoreMode storeMode)
    {
        switch (mode)
        {
            case 0:
            case (byte)'S': storeMode = StoreMode.Set; return true;
            case (byte)'E': storeMode = StoreMode.Add; return true;
            case (byte)'A': storeMode = StoreMode.Append; return true;
            case (byte)'P': storeMode = StoreMode.Prepend; return true;
            case (byte)'R': storeMode = StoreMode.Replace; return true;
            default: storeMode = StoreMode.Set; return false;
        }
    }

    /// <summary>memcached applies N and T to a created item in request order, so the later one wins.</summary>
    private static long CreatedItemExptime(scoped in MetaFlags flags)
    {
        long exptime = flags.VivifyExptime;
        var tokens = new MetaFlagTokens(flags.Arguments);
        while (tokens.TryNext(out byte flag, out _))
        {
            if (flag == (byte)'N')
                exptime = flags.VivifyExptime;
            else if (flag == (byte)'T')
                exptime = flags.Exptime;
        }
        return exptime;
    }

    /// <summary>
    /// memcached turns R into an absolute time like an exptime and wins when the item expires before it:
    /// 0 or negative never wins; above 30 days it is a Unix time.
    /// </summary>
    private bool TryRecacheThreshold(int recache, out long seconds)
    {
        seconds = recache > CacheEngine.MaxRelativeExptime ? recache - _engine.UnixTimeSeconds : recache;
        return recache > 0;
    }

    /// <summary>The TTL an exptime gives an item created now, as <c>t</c> reports it (-1 never expires).</summary>
    private long TtlFromExptime(long exptime)
    {
        if (exptime == 0)
            return -1;
        if (exptime < 0)
            return 0;
        return exptime > CacheEngine.MaxRelativeExptime ? Math.Max(0, exptime - _engine.UnixTimeSeconds) : exptime;
    }

    /// <summary>Writes an <c>mg</c> hit while the engine holds the item.</summary>
    private ref struct GetReplyWriter : IItemReader
    {
        private readonly MetaCommandHandler _handler;
        private readonly OutputBuffer _output;
        private readonly MetaFlags _flags;

        public GetReplyWriter(MetaCommandHandler handler, OutputBuffer output, MetaFlags flags)
        {
            _handler = handler;
            _output = output;
            _flags = flags;
        }

        public readonly void Read(scoped in ItemView item)
        {
            var output = _output;
            bool withValue = _flags.Has((byte)'v');
            MetaReplyWriter.WriteStatus(output, withValue ? MetaStatus.Value : MetaStatus.Header, item.Value.Length);

            // t reports the TTL as of its place in the request: a later T (or N creating the item) is not applied yet.
            long ttl = item.Created ? -1 : item.TtlBeforeTouchSeconds;
            var tokens = new MetaFlagTokens(_flags.Arguments);
            while (tokens.TryNext(out byte flag, out var token))
            {
                switch (flag)
                {
                    case (byte)'T': ttl = item.Created ? _handler.TtlFromExptime(_flags.Exptime) : item.TtlSeconds; break;
                    case (byte)'N': if (item.Created) ttl = _handler.TtlFromExptime(_flags.VivifyExptime); break;
                    case (byte)'s': MetaReplyWriter.WriteFlag(output, (byte)'s', (long)item.Value.Length); break;
                    case (byte)'t': MetaReplyWriter.WriteFlag(output, (byte)'t', ttl); break;
                    case (byte)'c': MetaReplyWriter.WriteFlag(output, (byte)'c', item.Cas); break;
                    case (byte)'f': MetaReplyWriter.WriteFlag(output, (byte)'f', (ulong)item.ClientFlags); break;
                    case (byte)'l': MetaReplyWriter.WriteFlag(output, (byte)'l', item.SecondsSinceLastAccess); break;
                    case (byte)'h': MetaReplyWriter.WriteFlag(output, (byte)'h', item.FetchedBefore ? 1UL : 0UL); break;
                    case FlagOpaque: MetaReplyWriter.WriteOpaque(output, token); break;
                    case FlagKey: MetaReplyWriter.WriteKey(output, _flags.Key, _flags.KeyIsBinary); break;
                    default: break;
                }
            }
            // memcached's order: Z (someone already won), X (stale), W (this caller won).
            if (item.WinTokenSent)
                MetaReplyWriter.WriteFlag(output, (byte)'Z');
            if (item.Stale)
                MetaReplyWriter.WriteFlag(output, (byte)'X');
            if (item.Win)
                MetaReplyWriter.WriteFlag(output, (byte)'W');
            MetaReplyWriter.WriteEnd(output, item.Value, withValue);
        }
    }

    /// <summary>Writes memcached's <c>ME</c> line.</summary>
    private readonly ref struct DebugReplyWriter(OutputBuffer output, bool binaryKey, bool casEnabled) : IItemReader
    {
        public void Read(scoped in ItemView item)
        {
            output.Write("ME "u8);
            if (binaryKey)
                MetaReplyWriter.WriteBase64(output, item.Key);
            else
                output.Write(item.Key);
            // memcached prints now - exptime, so a live item shows its remaining TTL negated.
            output.Write(" exp="u8);
            output.WriteInt64(item.TtlSeconds < 0 ? -1 : -item.TtlSeconds);
            output.Write(" la="u8);
            output.WriteInt64(item.SecondsSinceLastAccess);
            output.Write(" cas="u8);
            output.WriteUInt64(item.Cas);
            output.Write(item.FetchedBefore ? " fetch=yes"u8 : " fetch=no"u8);
            long size = MemcachedItemSize.Of(item.Key.Length, item.Value.Length, item.ClientFlags, casEnabled);
            output.Write(" cls="u8);
            output.WriteInt64(MemcachedItemSize.SlabClass(size));
            output.Write(" size="u8);
            output.WriteInt64(size);
            output.Write("\r\n"u8);
        }
    }

    private struct DiscardingReader : IItemReader
    {
        public readonly void Read(scoped in ItemView item)
        {
        }
    }
}
