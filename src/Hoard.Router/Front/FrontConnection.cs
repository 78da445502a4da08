using System.Buffers;
using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;
using Hoard.Router.Requests;

namespace Hoard.Router.Front;

/// <summary>
/// One client connection to the router: what both transports share. Requests are parsed with the server's parser
/// as they arrive and routed at once, many in flight; the transport writes the replies in request order and
/// stops reading from a client that has too many requests in flight (back-pressure). The transports:
/// <see cref="EpollFrontConnection"/> (Linux x64: the router's event-loop threads) and
/// <see cref="AsyncFrontConnection"/> (.NET's asynchronous sockets, elsewhere).
/// </summary>
internal abstract class FrontConnection
{
    // A distinct array (an empty one may be the shared Array.Empty): the writer tells it apart by reference.
    protected static readonly byte[] CloseMarker = "quit"u8.ToArray();
    protected static readonly byte[] NoReply = [];

    private readonly RouterCore _core;
    private readonly ParserLimits _limits;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private long _swallow;

    private readonly long _id;

    protected FrontConnection(RouterCore core, long id)
    {
        _id = id;
        _core = core;
        _limits = ParserLimits.Default with { MaxValueLength = core.Options.MaxValueLength, LenientKeys = core.Options.LenientKeys };
    }

    public long Id => _id;

    protected RouterCore Core => _core;

    /// <summary>Completes when the connection is closed and done.</summary>
    public abstract Task Completion { get; }

    /// <summary>Closes the connection; safe from any thread.</summary>
    public abstract void Close();

    /// <summary>Where the next bytes from the client go (room is made first).</summary>
    protected Memory<byte> ReceiveSpace()
    {
        if (_end == _buffer.Length)
            MakeRoom();
        return _buffer.AsMemory(_end);
    }

    /// <summary>Takes in <paramref name="count"/> bytes written into <see cref="ReceiveSpace"/>.</summary>
    protected void Received(int count) => _end += count;

    /// <summary>
    /// Starts the next buffered request; false when the buffer holds no whole request. The reply (or its error)
    /// comes back as a task; <paramref name="quit"/> when the client asked to close.
    /// </summary>
    protected bool TryStartNext(out PendingReply reply, out bool quit)
    {
        reply = default;
        quit = false;
        if (_swallow > 0)
        {
            int skip = (int)Math.Min(_swallow, _end - _start);
            _start += skip;
            _swallow -= skip;
            if (_swallow > 0)
                return false;
        }
        if (_start == _end)
        {
            _start = _end = 0;
            return false;
        }
        return ParseNext(out reply, out quit) != ParseStatus.Incomplete;
    }

    /// <summary>Parses the next request in the buffer and starts it; its reply (or its error) comes back as a task.</summary>
    private ParseStatus ParseNext(out PendingReply reply, out bool quit)
    {
        reply = default;
        quit = false;
        var status = TextCommandParser.TryParse(_buffer.AsSpan(_start, _end - _start), in _limits, out var command, out int consumed);
        if (status == ParseStatus.Incomplete)
            return status;
        _start += consumed;
        if (status == ParseStatus.Error)
        {
            // A value too large is refused at once; its data block is skipped as it arrives, never buffered.
            _swallow = command.SwallowBytes;
            reply = PendingReply.Ready(ErrorReply(command));
            return status;
        }
        if (command.Kind == TextCommandKind.Quit)
        {
            quit = true;
            reply = PendingReply.Ready(CloseMarker);
            return status;
        }
        reply = Dispatch(ref command);
        return status;
    }

    private static byte[] ErrorReply(in TextCommand command) => command.Error.Reply().ToArray();

    /// <summary>Grows or compacts the receive buffer so there is room to read into.</summary>
    private void MakeRoom()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
            if (_end < _buffer.Length)
                return;
        }
        // A request is bounded by the parser's limits (line and value), so the buffer is too.
        Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    private PendingReply Dispatch(ref TextCommand command)
    {
        switch (command.Kind)
        {
            case TextCommandKind.Get:
            case TextCommandKind.Gets:
            case TextCommandKind.Gat:
            case TextCommandKind.Gats:
                return Retrieve(command.Kind, command.Keys, command.Exptime);
            case TextCommandKind.Set:
            case TextCommandKind.Add:
            case TextCommandKind.Replace:
            case TextCommandKind.Append:
            case TextCommandKind.Prepend:
            case TextCommandKind.Cas:
            {
                var request = RouterRequest.Storage(StorageOperation(command.Kind), command.Key.ToArray(), command.Flags, command.Exptime, command.Value.ToArray(), command.CasUnique);
                return PendingReply.Routed(Route(request), command.NoReply);
            }
            case TextCommandKind.Delete:
                return PendingReply.Routed(Route(RouterRequest.Delete(command.Key.ToArray())), command.NoReply);
            case TextCommandKind.Incr:
            case TextCommandKind.Decr:
            {
                var operation = command.Kind == TextCommandKind.Incr ? RouterOperation.Incr : RouterOperation.Decr;
                return PendingReply.Routed(Route(RouterRequest.Arithmetic(operation, command.Key.ToArray(), command.Delta)), command.NoReply);
            }
            case TextCommandKind.Touch:
                return PendingReply.Routed(Route(RouterRequest.Touch(command.Key.ToArray(), command.Exptime)), command.NoReply);
            case TextCommandKind.MetaGet:
            case TextCommandKind.MetaSet:
            case TextCommandKind.MetaDelete:
            case TextCommandKind.MetaArithmetic:
            case TextCommandKind.MetaDebug:
                return Meta(ref command);
            case TextCommandKind.MetaNoOp:
                return PendingReply.Ready("MN\r\n"u8.ToArray());
            case TextCommandKind.Version:
                return PendingReply.Ready(Encoding.ASCII.GetBytes($"VERSION {_core.Version}\r\n"));
            case TextCommandKind.Verbosity:
                return PendingReply.Ready(command.NoReply ? NoReply : "OK\r\n"u8.ToArray());
            case TextCommandKind.Stats:
                return PendingReply.Ready(_core.Stats(Encoding.ASCII.GetString(command.Arguments).Trim()));
            case TextCommandKind.FlushAll:
            {
                var flush = _core.FlushAllAsync(Encoding.ASCII.GetString(command.Arguments).Trim());
                return PendingReply.Made(command.NoReply ? Silence(flush) : new ValueTask<byte[]>(flush));
            }
            case TextCommandKind.Shutdown:
                return PendingReply.Ready("ERROR: shutdown not enabled\r\n"u8.ToArray());
            case TextCommandKind.CacheMemLimit:
            case TextCommandKind.RefreshCerts:
                return PendingReply.Ready("SERVER_ERROR a server command: send it to the servers, not the router\r\n"u8.ToArray());
            default:
                return PendingReply.Ready("ERROR\r\n"u8.ToArray());
        }
    }

    /// <summary>Routes a request on this connection's upstream connections, so its requests to a server stay in order.</summary>
    private ValueTask<RouterReply> Route(RouterRequest request)
    {
        request.Affinity = _id;
        return _core.RouteAsync(request);
    }

    private static RouterOperation StorageOperation(TextCommandKind kind) => kind switch
    {
        TextCommandKind.Set => RouterOperation.Set,
        TextCommandKind.Add => RouterOperation.Add,
        TextCommandKind.Replace => RouterOperation.Replace,
        TextCommandKind.Append => RouterOperation.Append,
        TextCommandKind.Prepend => RouterOperation.Prepend,
        _ => RouterOperation.Cas,
    };

    private static async ValueTask<byte[]> Silence(Task<byte[]> reply)
    {
        await reply.ConfigureAwait(false);
        return NoReply;
    }

    /// <summary>get/gets/gat/gats: one routed request per key (keys may live on different servers), answered as one reply.</summary>
    private PendingReply Retrieve(TextCommandKind kind, ReadOnlySpan<byte> keys, long exptime)
    {
        var operation = kind switch
        {
            TextCommandKind.Get => RouterOperation.Get,
            TextCommandKind.Gets => RouterOperation.Gets,
            TextCommandKind.Gat => RouterOperation.Gat,
            _ => RouterOperation.Gats,
        };
        var tokens = new KeyTokenizer(keys);
        if (!tokens.TryNext(out var firstKey))
            return PendingReply.Ready("END\r\n"u8.ToArray());
        if (!IsValidKey(firstKey))
            return PendingReply.Ready("CLIENT_ERROR bad command line format\r\n"u8.ToArray());
        var first = RouterRequest.Retrieval(operation, firstKey.ToArray(), exptime);
        if (!tokens.TryNext(out var key))
            return PendingReply.Routed(Route(first));
        var requests = new List<RouterRequest> { first };
        do
        {
            if (!IsValidKey(key))
                return PendingReply.Ready("CLIENT_ERROR bad command line format\r\n"u8.ToArray());
            requests.Add(RouterRequest.Retrieval(operation, key.ToArray(), exptime));
        }
        while (tokens.TryNext(out key));
        return PendingReply.Made(Many(requests));
    }

    private bool IsValidKey(ReadOnlySpan<byte> key) =>
        key.Length <= TextCommandParser.MaxKeyLength && TextCommandParser.IsValidKey(key, _limits.LenientKeys);

    private async ValueTask<byte[]> Many(List<RouterRequest> requests)
    {
        if (await _core.TryRetrieveBatchedAsync(requests, _id).ConfigureAwait(false) is { } batched)
            return batched;
        var replies = await Task.WhenAll(requests.Select(r => Route(r).AsTask())).ConfigureAwait(false);
        var output = new ArrayBufferWriter<byte>();
        foreach (var reply in replies)
        {
            // A failed key fails the whole multi-get (unless errors read as misses, handled in RouteAsync):
            // an error line in the middle of VALUE blocks is no reply a client can read.
            if (reply.IsError || reply.Result == ReplyResult.ClientError)
                return reply.Bytes;
            output.Write(reply.ValueBlocks());
        }
        output.Write("END\r\n"u8);
        return output.WrittenSpan.ToArray();
    }

    private PendingReply Meta(ref TextCommand command)
    {
        var kind = command.Kind;
        // A heap buffer: the decoded key outlives this frame (it is copied into the request below anyway).
        var keyBuffer = new byte[MetaFlagParser.MaxKeyLength];
        MetaError error;
        ReadOnlySpan<byte> key;
        bool binary;
        bool quiet = false;
        if (kind == TextCommandKind.MetaDebug)
        {
            error = MetaFlagParser.ParseDebug(command.Key, command.Arguments, keyBuffer, out key, out binary);
        }
        else
        {
            error = MetaFlagParser.Parse(kind, command.Key, command.Arguments, keyBuffer, out var flags);
            key = flags.Key;
            binary = flags.KeyIsBinary;
            quiet = flags.Quiet;
        }
        if (error != MetaError.None)
            return PendingReply.Ready(error.Reply(kind).ToArray());
        var tokens = new List<string>();
        var reader = new KeyTokenizer(command.Arguments);
        while (reader.TryNext(out var token))
        {
            // q is the router's to honour: upstream must answer every request so replies stay matched.
            if (!token.SequenceEqual("q"u8))
                tokens.Add(Encoding.ASCII.GetString(token));
        }
        var operation = kind switch
        {
            TextCommandKind.MetaGet => RouterOperation.MetaGet,
            TextCommandKind.MetaSet => RouterOperation.MetaSet,
            TextCommandKind.MetaDelete => RouterOperation.MetaDelete,
            TextCommandKind.MetaArithmetic => RouterOperation.MetaArithmetic,
            _ => RouterOperation.MetaDebug,
        };
        var request = RouterRequest.Meta(operation, key.ToArray(), binary, tokens, command.Value.ToArray());
        return quiet ? PendingReply.Made(QuietMeta(request, kind)) : PendingReply.Routed(Route(request));
    }

    private async ValueTask<byte[]> QuietMeta(RouterRequest request, TextCommandKind kind)
    {
        var reply = await Route(request).ConfigureAwait(false);
        var status = reply.Bytes.AsSpan() switch
        {
            var b when b.StartsWith("EN"u8) => MetaStatus.End,
            var b when b.StartsWith("HD"u8) => MetaStatus.Header,
            var b when b.StartsWith("VA"u8) => MetaStatus.Value,
            var b when b.StartsWith("NF"u8) => MetaStatus.NotFound,
            var b when b.StartsWith("NS"u8) => MetaStatus.NotStored,
            var b when b.StartsWith("EX"u8) => MetaStatus.Exists,
            _ => (MetaStatus?)null,
        };
        return status is { } s && MetaQuietMode.Suppresses(kind, s) ? NoReply : reply.Bytes;
    }
}
