using System.Buffers;
using System.Buffers.Text;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>How the reply to a forwarded request is framed, so its end can be found without understanding it.</summary>
public enum ReplyFraming : byte
{
    /// <summary>One line (storage, delete, incr/decr, touch, flush_all, <c>mn</c>, <c>me</c>).</summary>
    Line,

    /// <summary>Text retrieval: <c>VALUE</c> blocks up to <c>END</c>, or one error line.</summary>
    Retrieval,

    /// <summary>A meta reply: one line, followed by a data block when it is <c>VA &lt;size&gt;</c>.</summary>
    Meta,
}

/// <summary>A request that writes its own bytes (the router's requests), and says how its reply is framed.</summary>
public interface IForwardedRequest
{
    ReplyFraming Framing { get; }

    /// <summary>Writes the request as the server should receive it.</summary>
    void WriteTo(IBufferWriter<byte> writer);
}

/// <summary>A request that is ready-made bytes (probes, replayed deletes, flush_all).</summary>
public sealed class RawRequest(byte[] bytes, ReplyFraming framing, string name) : IForwardedRequest
{
    public ReplyFraming Framing { get; } = framing;

    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(bytes);
    }

    public override string ToString() => name;
}

/// <summary>
/// A request whose reply is handed back as bytes: the router's way of passing a request through a pipelined
/// connection without turning it into a typed call and back. The request writes itself straight into the
/// connection's send buffer; its description is made only if an error needs it.
/// </summary>
internal sealed class ForwardOperation(IForwardedRequest request, string target) : Operation<byte[]>
{
    private readonly ReplyFraming _framing = request.Framing;

    public override string Name => "forward";

    // The router's continuations only classify the reply and queue it for the client connection.
    protected override bool CompletesInline => true;

    public override string Describe() => $"{request} to {target}";

    public override void WriteRequest(IBufferWriter<byte> writer) => request.WriteTo(writer);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out byte[]? result, out Exception? error)
    {
        error = null;
        result = null;
        var status = FindEnd(buffer, _framing, out consumed);
        if (status == ParseStatus.Complete)
            result = buffer[..consumed].ToArray();
        else if (status == ParseStatus.Error)
            error = new HoardProtocolException($"malformed reply to {Describe()}");
        return status;
    }

    /// <summary>Finds where the reply at the head of <paramref name="buffer"/> ends.</summary>
    public static ParseStatus FindEnd(ReadOnlySpan<byte> buffer, ReplyFraming framing, out int consumed)
    {
        consumed = 0;
        int offset = 0;
        while (true)
        {
            int newline = buffer[offset..].IndexOf((byte)'\n');
            if (newline < 0)
                return ParseStatus.Incomplete;
            var line = buffer.Slice(offset, newline + 1);
            int lineEnd = offset + newline + 1;
            int dataLength = framing switch
            {
                ReplyFraming.Retrieval when line.StartsWith("VALUE "u8) => DataLength(line, 3),
                ReplyFraming.Meta when line.StartsWith("VA "u8) => DataLength(line, 1),
                _ => -1,
            };
            if (dataLength == -2)
                return ParseStatus.Error;
            if (dataLength < 0)
            {
                consumed = lineEnd;
                return ParseStatus.Complete;
            }
            long blockEnd = (long)lineEnd + dataLength + 2;
            if (buffer.Length < blockEnd)
                return ParseStatus.Incomplete;
            if (buffer[(int)blockEnd - 2] != (byte)'\r' || buffer[(int)blockEnd - 1] != (byte)'\n')
                return ParseStatus.Error;
            if (framing == ReplyFraming.Meta)
            {
                consumed = (int)blockEnd;
                return ParseStatus.Complete;
            }
            offset = (int)blockEnd;
        }
    }

    /// <summary>The number in token <paramref name="index"/> (0-based after the first) of a reply line; -2 when it is not one.</summary>
    private static int DataLength(ReadOnlySpan<byte> line, int index)
    {
        line = line.TrimEnd("\r\n"u8);
        int token = 0;
        while (line.Length > 0)
        {
            int space = line.IndexOf((byte)' ');
            var word = space < 0 ? line : line[..space];
            if (word.Length > 0)
            {
                if (token == index)
                    return Utf8Parser.TryParse(word, out int length, out int used) && used == word.Length && length >= 0 ? length : -2;
                token++;
            }
            if (space < 0)
                break;
            line = line[(space + 1)..];
        }
        return -2;
    }
}
