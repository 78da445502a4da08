using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>Shared handling of meta replies: server error lines become exceptions, the stream stays usable.</summary>
internal static class MetaReplies
{
    public static ParseStatus Read(ReadOnlySpan<byte> buffer, out MetaReply reply, out int consumed, out Exception? error)
    {
        error = null;
        var status = MetaReplyParser.TryParse(buffer, out reply, out consumed);
        if (status == ParseStatus.Complete && reply.Kind != ReplyKind.Meta)
        {
            error = new HoardServerException(reply.Kind switch
            {
                ReplyKind.Error => "the server does not know the command (ERROR); it may not speak the meta protocol — use the text protocol option",
                ReplyKind.ClientError => "CLIENT_ERROR " + Encoding.ASCII.GetString(reply.Message),
                _ => "SERVER_ERROR " + Encoding.ASCII.GetString(reply.Message),
            });
        }
        return status;
    }

    /// <summary>A reply that says only whether the command took effect (<c>HD</c>) or not (<c>NF</c>, <c>EN</c>...).</summary>
    public static ParseStatus ReadHeader(ReadOnlySpan<byte> buffer, out int consumed, out bool done, out Exception? error)
    {
        var status = Read(buffer, out var reply, out consumed, out error);
        done = reply.Status == MetaStatus.Header;
        return status;
    }

    public static string Key(byte[] key) => Encoding.UTF8.GetString(key);
}

/// <summary><c>mg key v f c [T]</c>: get, or get-and-touch when a TTL is given.</summary>
internal sealed class MetaGetOperation(byte[] key, long? touchSeconds) : Operation<CacheItem?>
{
    public override string Name => "get";

    public override string Describe() => $"mg {MetaReplies.Key(key)}";

    public override void WriteRequest(IBufferWriter<byte> writer) => Write(writer, key, touchSeconds);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out CacheItem? result, out Exception? error) =>
        Parse(buffer, out consumed, out result, out error, this);

    /// <summary><c>mg key v f c [T]</c>; shared with the pooled and buffer-writing gets.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> key, long? touchSeconds)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Get, key);
        MetaRequestWriter.KeyFlag(writer, key);
        MetaRequestWriter.Flag(writer, 'v');
        MetaRequestWriter.Flag(writer, 'f');
        MetaRequestWriter.Flag(writer, 'c');
        if (touchSeconds is { } ttl)
            MetaRequestWriter.Flag(writer, 'T', ttl);
        MetaRequestWriter.End(writer);
    }

    /// <summary>The reply to <see cref="Write"/>: the item on <c>VA</c>, null on <c>EN</c>.</summary>
    public static ParseStatus Parse(ReadOnlySpan<byte> buffer, out int consumed, out CacheItem? result, out Exception? error, IPendingReply request)
    {
        result = null;
        var status = MetaReplies.Read(buffer, out var reply, out consumed, out error);
        if (status == ParseStatus.Complete && error is null)
        {
            if (reply.Status == MetaStatus.Value)
                result = new CacheItem(reply.Value.ToArray(), reply.ClientFlags, reply.Cas);
            else if (reply.Status != MetaStatus.End)
                error = new HoardProtocolException($"unexpected {reply.Status} reply to {request.Describe()}");
        }
        return status;
    }
}

/// <summary><c>mg key T</c>: touch without reading the value.</summary>
internal sealed class MetaTouchOperation(byte[] key, long seconds) : Operation<bool>
{
    public override string Name => "touch";

    public override string Describe() => $"mg {MetaReplies.Key(key)} T";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Get, key);
        MetaRequestWriter.KeyFlag(writer, key);
        MetaRequestWriter.Flag(writer, 'T', seconds);
        MetaRequestWriter.End(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out bool result, out Exception? error)
    {
        return MetaReplies.ReadHeader(buffer, out consumed, out result, out error);
    }
}

/// <summary><c>ms key size F T [C] M</c>: every store command, CAS included.</summary>
internal sealed class MetaStoreOperation(byte[] key, ReadOnlyMemory<byte> value, uint flags, long seconds, StoreMode mode, ulong cas) : Operation<StoreResult>
{
    public override string Name => "store";

    public override string Describe() => $"ms {MetaReplies.Key(key)} {value.Length}";

    public override void WriteRequest(IBufferWriter<byte> writer) => Write(writer, key, value.Span, flags, seconds, mode, cas);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out StoreResult result, out Exception? error) =>
        Parse(buffer, out consumed, out result, out error);

    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, uint flags, long seconds, StoreMode mode, ulong cas)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Set, key);
        MetaRequestWriter.Size(writer, value.Length);
        MetaRequestWriter.KeyFlag(writer, key);
        if (flags != 0)
            MetaRequestWriter.Flag(writer, 'F', (long)flags);
        if (seconds != 0)
            MetaRequestWriter.Flag(writer, 'T', seconds);
        if (cas != 0)
            MetaRequestWriter.Flag(writer, 'C', cas);
        if (mode != StoreMode.Set)
        {
            MetaRequestWriter.Mode(writer, mode switch
            {
                StoreMode.Add => 'E',
                StoreMode.Replace => 'R',
                StoreMode.Append => 'A',
                _ => 'P',
            });
        }
        MetaRequestWriter.End(writer);
        MetaRequestWriter.Data(writer, value);
    }

    public static ParseStatus Parse(ReadOnlySpan<byte> buffer, out int consumed, out StoreResult result, out Exception? error)
    {
        var status = MetaReplies.Read(buffer, out var reply, out consumed, out error);
        result = reply.Status switch
        {
            MetaStatus.Header => StoreResult.Stored,
            MetaStatus.Exists => StoreResult.Exists,
            MetaStatus.NotFound => StoreResult.NotFound,
            _ => StoreResult.NotStored,
        };
        return status;
    }
}

/// <summary><c>md key [C]</c>.</summary>
internal sealed class MetaDeleteOperation(byte[] key, ulong cas) : Operation<bool>
{
    public override string Name => "delete";

    public override string Describe() => $"md {MetaReplies.Key(key)}";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Delete, key);
        MetaRequestWriter.KeyFlag(writer, key);
        if (cas != 0)
            MetaRequestWriter.Flag(writer, 'C', cas);
        MetaRequestWriter.End(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out bool result, out Exception? error)
    {
        return MetaReplies.ReadHeader(buffer, out consumed, out result, out error);
    }
}

/// <summary><c>ma key v D [MD] [N J]</c>: incr/decr, optionally creating the counter.</summary>
internal sealed class MetaArithmeticOperation(byte[] key, ulong delta, bool decrement, ulong? initial, long seconds) : Operation<ulong?>
{
    public override string Name => "arithmetic";

    public override string Describe() => $"ma {MetaReplies.Key(key)}";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Arithmetic, key);
        MetaRequestWriter.KeyFlag(writer, key);
        MetaRequestWriter.Flag(writer, 'v');
        MetaRequestWriter.Flag(writer, 'D', delta);
        if (decrement)
            MetaRequestWriter.Mode(writer, 'D');
        if (initial is { } start)
        {
            MetaRequestWriter.Flag(writer, 'N', seconds);
            MetaRequestWriter.Flag(writer, 'J', start);
        }
        MetaRequestWriter.End(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out ulong? result, out Exception? error)
    {
        result = null;
        var status = MetaReplies.Read(buffer, out var reply, out consumed, out error);
        if (status == ParseStatus.Complete && error is null && reply.Status == MetaStatus.Value)
        {
            if (Utf8Parser.TryParse(reply.Value, out ulong value, out int used) && used == reply.Value.Length)
                result = value;
            else
                error = new HoardProtocolException($"{Describe()} returned a value that is not a number");
        }
        return status;
    }
}

/// <summary>
/// Many <c>mg key v f c k q</c> in one write, then <c>mn</c>: the server answers only hits (with their key),
/// then <c>MN</c>, so misses cost no reply at all.
/// </summary>
internal sealed class MetaGetManyOperation(IReadOnlyList<byte[]> keys) : Operation<List<KeyValuePair<string, CacheItem>>>
{
    public override string Name => "get_many";

    private List<KeyValuePair<string, CacheItem>>? _found;

    public override string Describe() => $"mg ×{keys.Count}";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        foreach (var key in keys)
        {
            MetaRequestWriter.Begin(writer, MetaRequestWriter.Get, key);
            MetaRequestWriter.KeyFlag(writer, key);
            MetaRequestWriter.Flag(writer, 'v');
            MetaRequestWriter.Flag(writer, 'f');
            MetaRequestWriter.Flag(writer, 'c');
            MetaRequestWriter.Flag(writer, 'k');
            MetaRequestWriter.Flag(writer, 'q');
            MetaRequestWriter.End(writer);
        }
        MetaRequestWriter.NoOp(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out List<KeyValuePair<string, CacheItem>>? result, out Exception? error)
    {
        // Replies accumulate across calls: each call consumes whole replies and reports Incomplete until MN.
        result = null;
        error = null;
        consumed = 0;
        _found ??= new List<KeyValuePair<string, CacheItem>>(keys.Count);
        while (true)
        {
            var status = MetaReplies.Read(buffer[consumed..], out var reply, out int used, out var replyError);
            if (status != ParseStatus.Complete)
                return status; // Incomplete keeps what was consumed: those replies are already recorded.
            consumed += used;
            if (replyError is not null)
            {
                error ??= replyError;
                continue;
            }
            if (reply.Status == MetaStatus.NoOp)
            {
                result = _found;
                return ParseStatus.Complete;
            }
            if (reply.Status != MetaStatus.Value)
                continue;
            result = null;
            _found.Add(new(KeyOf(reply.Flags), new CacheItem(reply.Value.ToArray(), reply.ClientFlags, reply.Cas)));
        }
    }

    private static string KeyOf(ReadOnlySpan<byte> flags)
    {
        var tokens = new MetaFlagTokens(flags);
        ReadOnlySpan<byte> key = default;
        bool base64 = false;
        while (tokens.TryNext(out byte flag, out var token))
        {
            if (flag == 'k')
                key = token[1..];
            else if (flag == 'b' && token.Length == 1)
                base64 = true;
        }
        if (!base64)
            return Encoding.UTF8.GetString(key);
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(key.Length)];
        Base64.DecodeFromUtf8(key, decoded, out _, out int written);
        return Encoding.UTF8.GetString(decoded, 0, written);
    }
}

/// <summary>What a stampede-protected read found: the item (or none) and whether this caller must recompute it.</summary>
internal readonly record struct LeaseReply(CacheItem? Item, bool Win, bool Stale, bool AlreadyWon);

/// <summary>
/// <c>mg key v f c N R</c>: a read that hands out the right to recompute. On a miss the server creates an empty
/// placeholder and tells exactly one caller <c>W</c> (win); the others see the placeholder with <c>Z</c>. An item
/// close to expiry (<c>R</c>) or marked stale (<c>X</c>, after <c>md I</c>) is served while one caller wins.
/// </summary>
internal sealed class MetaLeaseGetOperation(byte[] key, long vivifySeconds, long recacheSeconds) : Operation<LeaseReply>
{
    public override string Name => "lease_get";

    public override string Describe() => $"mg {MetaReplies.Key(key)} N R";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Get, key);
        MetaRequestWriter.KeyFlag(writer, key);
        MetaRequestWriter.Flag(writer, 'v');
        MetaRequestWriter.Flag(writer, 'f');
        MetaRequestWriter.Flag(writer, 'c');
        MetaRequestWriter.Flag(writer, 'N', vivifySeconds);
        if (recacheSeconds > 0)
            MetaRequestWriter.Flag(writer, 'R', recacheSeconds);
        MetaRequestWriter.End(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out LeaseReply result, out Exception? error)
    {
        result = default;
        var status = MetaReplies.Read(buffer, out var reply, out consumed, out error);
        if (status == ParseStatus.Complete && error is null)
        {
            CacheItem? item = reply.Status == MetaStatus.Value ? new CacheItem(reply.Value.ToArray(), reply.ClientFlags, reply.Cas) : null;
            result = new LeaseReply(item, reply.Win, reply.Stale, reply.AlreadyWon);
        }
        return status;
    }
}

/// <summary><c>md key I T</c>: marks the item stale instead of deleting it, so one reader recomputes while others are served the old value.</summary>
internal sealed class MetaInvalidateOperation(byte[] key, long staleSeconds) : Operation<bool>
{
    public override string Name => "invalidate";

    public override string Describe() => $"md {MetaReplies.Key(key)} I";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        MetaRequestWriter.Begin(writer, MetaRequestWriter.Delete, key);
        MetaRequestWriter.KeyFlag(writer, key);
        MetaRequestWriter.Flag(writer, 'I');
        MetaRequestWriter.Flag(writer, 'T', staleSeconds);
        MetaRequestWriter.End(writer);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out bool result, out Exception? error)
    {
        return MetaReplies.ReadHeader(buffer, out consumed, out result, out error);
    }
}

/// <summary><c>mg key v f c</c> whose value is written straight from the receive buffer into the caller's writer.</summary>
internal sealed class MetaGetIntoOperation(byte[] key, IBufferWriter<byte> destination) : Operation<CacheLookup>
{
    public override string Name => "get";

    public override string Describe() => $"mg {MetaReplies.Key(key)}";

    public override void WriteRequest(IBufferWriter<byte> writer) => MetaGetOperation.Write(writer, key, null);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out CacheLookup result, out Exception? error)
    {
        result = default;
        var status = MetaReplies.Read(buffer, out var reply, out consumed, out error);
        if (status == ParseStatus.Complete && error is null && reply.Status == MetaStatus.Value)
        {
            // Runs on the I/O thread while the caller awaits this operation, so the writer is not in use.
            destination.Write(reply.Value);
            result = new CacheLookup(true, reply.ClientFlags, reply.Cas);
        }
        return status;
    }
}
