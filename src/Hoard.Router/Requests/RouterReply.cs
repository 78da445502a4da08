using System.Buffers.Text;
using System.Text;

namespace Hoard.Router.Requests;

/// <summary>
/// A reply as the router hands it back: the wire bytes for the client (in the request's protocol) and what they
/// mean. Replies made by the router itself (errors, NullRoute's defaults) are built here in the right protocol.
/// </summary>
public sealed class RouterReply
{
    private RouterReply(byte[] bytes, ReplyResult result, string? error = null)
    {
        Bytes = bytes;
        Result = result;
        Error = error;
    }

    public byte[] Bytes { get; }

    public ReplyResult Result { get; }

    /// <summary>Why the request failed, for errors the router saw (not in the bytes of a server's own reply).</summary>
    public string? Error { get; }

    public bool IsError => Result.IsError();

    /// <summary>A server's reply to <paramref name="request"/>, classified.</summary>
    public static RouterReply FromServer(byte[] bytes, RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(request);
        return new(bytes, Classify(bytes, request.Operation));
    }

    /// <summary>An error the router reports: <c>SERVER_ERROR message</c> in either protocol.</summary>
    public static RouterReply Failure(ReplyResult result, string message)
    {
        // A reply line cannot hold a line break; the rest of the message would be read as another reply.
        string line = message.Replace('\r', ' ').Replace('\n', ' ');
        return new(Encoding.ASCII.GetBytes($"SERVER_ERROR {line}\r\n"), result, message);
    }

    /// <summary>What NullRoute (and AllAsyncRoute at once) answers: a miss, not stored, not found.</summary>
    public static RouterReply Default(RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Operation switch
        {
            RouterOperation.Get or RouterOperation.Gets or RouterOperation.Gat or RouterOperation.Gats => new("END\r\n"u8.ToArray(), ReplyResult.Miss),
            RouterOperation.Delete or RouterOperation.Incr or RouterOperation.Decr or RouterOperation.Touch => new("NOT_FOUND\r\n"u8.ToArray(), ReplyResult.NotFound),
            RouterOperation.MetaGet or RouterOperation.MetaDebug => new("EN\r\n"u8.ToArray(), ReplyResult.Miss),
            RouterOperation.MetaSet => new("NS\r\n"u8.ToArray(), ReplyResult.NotStored),
            RouterOperation.MetaDelete or RouterOperation.MetaArithmetic => new("NF\r\n"u8.ToArray(), ReplyResult.NotFound),
            _ => new("NOT_STORED\r\n"u8.ToArray(), ReplyResult.NotStored),
        };
    }

    /// <summary>A miss in the request's protocol: a get error read as a miss (<c>--get-errors-as-misses</c>).</summary>
    public static RouterReply Miss(RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Operation.IsMeta() ? new("EN\r\n"u8.ToArray(), ReplyResult.Miss) : new("END\r\n"u8.ToArray(), ReplyResult.Miss);
    }

    /// <summary>A delete the router took on (delete log): success as the client sees it.</summary>
    public static RouterReply DeleteQueued(RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Operation.IsMeta() ? new("HD\r\n"u8.ToArray(), ReplyResult.Deleted) : new("DELETED\r\n"u8.ToArray(), ReplyResult.Deleted);
    }

    /// <summary>For a text retrieval hit: the item's flags and value, to write it elsewhere (warm-up).</summary>
    public bool TryGetValue(out uint flags, out ReadOnlyMemory<byte> value)
    {
        flags = 0;
        value = default;
        var span = Bytes.AsSpan();
        int newline = span.IndexOf((byte)'\n');
        if (Result != ReplyResult.Hit || !span.StartsWith("VALUE "u8) || newline < 0)
            return false;
        var words = Encoding.ASCII.GetString(span[..newline]).TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 4 || !uint.TryParse(words[2], out flags) || !int.TryParse(words[3], out int length))
            return false;
        if (newline + 1 + length > Bytes.Length)
            return false;
        value = Bytes.AsMemory(newline + 1, length);
        return true;
    }

    /// <summary>The <c>VALUE</c> blocks of a text retrieval reply, without its <c>END</c> line (multi-get assembly).</summary>
    public ReadOnlySpan<byte> ValueBlocks()
    {
        if (Result != ReplyResult.Hit || Bytes.Length < 5 || !Bytes.AsSpan().EndsWith("END\r\n"u8))
            return default;
        return Bytes.AsSpan(0, Bytes.Length - 5);
    }

    private static ReplyResult Classify(ReadOnlySpan<byte> reply, RouterOperation operation)
    {
        if (reply.StartsWith("SERVER_ERROR"u8))
            return ReplyResult.RemoteError;
        if (reply.StartsWith("CLIENT_ERROR"u8) || reply.StartsWith("ERROR"u8))
            return ReplyResult.ClientError;
        if (operation.IsMeta())
        {
            if (reply.StartsWith("VA "u8) || reply.StartsWith("ME "u8))
                return ReplyResult.Hit;
            if (reply.StartsWith("HD"u8))
                return operation switch
                {
                    RouterOperation.MetaGet => ReplyResult.Hit,
                    RouterOperation.MetaSet => ReplyResult.Stored,
                    RouterOperation.MetaDelete => ReplyResult.Deleted,
                    _ => ReplyResult.Done,
                };
            if (reply.StartsWith("EN"u8))
                return ReplyResult.Miss;
            if (reply.StartsWith("NF"u8))
                return ReplyResult.NotFound;
            if (reply.StartsWith("NS"u8))
                return ReplyResult.NotStored;
            if (reply.StartsWith("EX"u8))
                return ReplyResult.Exists;
            return ReplyResult.RemoteError;
        }
        if (reply.StartsWith("VALUE "u8))
            return ReplyResult.Hit;
        if (reply.StartsWith("END"u8))
            return ReplyResult.Miss;
        if (reply.StartsWith("STORED"u8))
            return ReplyResult.Stored;
        if (reply.StartsWith("NOT_STORED"u8))
            return ReplyResult.NotStored;
        if (reply.StartsWith("EXISTS"u8))
            return ReplyResult.Exists;
        if (reply.StartsWith("NOT_FOUND"u8))
            return ReplyResult.NotFound;
        if (reply.StartsWith("DELETED"u8))
            return ReplyResult.Deleted;
        if (reply.StartsWith("TOUCHED"u8))
            return ReplyResult.Touched;
        if (reply.Length > 0 && Utf8Parser.TryParse(reply, out ulong _, out int used) && used > 0)
            return ReplyResult.Done;
        return ReplyResult.RemoteError;
    }
}
