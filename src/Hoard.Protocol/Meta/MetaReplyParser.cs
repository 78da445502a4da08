using System.Buffers.Text;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Meta;

/// <summary>What kind of line a server sent back (the client side of the meta and text protocols).</summary>
public enum ReplyKind : byte
{
    /// <summary>A meta status (<see cref="MetaReply.Status"/>).</summary>
    Meta,
    /// <summary><c>ERROR</c>: the server does not know the command.</summary>
    Error,
    /// <summary><c>CLIENT_ERROR message</c>: the request was malformed.</summary>
    ClientError,
    /// <summary><c>SERVER_ERROR message</c>: the server failed (out of memory, too large ...).</summary>
    ServerError,
}

/// <summary>One reply to a meta command. Spans point into the receive buffer.</summary>
#pragma warning disable CA1051 // Fields, not properties: filled in place by the parser on the hot path.
public ref struct MetaReply
{
    public ReplyKind Kind;
    public MetaStatus Status;
    /// <summary>The data block of a <c>VA</c> reply, without its CRLF.</summary>
    public ReadOnlySpan<byte> Value;
    /// <summary>The return flags as sent, space separated (walk them with <see cref="MetaFlagTokens"/>).</summary>
    public ReadOnlySpan<byte> Flags;
    /// <summary>The message of <c>CLIENT_ERROR</c> / <c>SERVER_ERROR</c>.</summary>
    public ReadOnlySpan<byte> Message;
    /// <summary><c>f</c>: client flags (0 when not returned).</summary>
    public uint ClientFlags;
    /// <summary><c>c</c>: CAS value (0 when not returned).</summary>
    public ulong Cas;
    /// <summary><c>t</c>: seconds left to live; -1 for no expiry, null-like <see cref="long.MinValue"/> when not returned.</summary>
    public long TimeToLive;
    /// <summary><c>W</c>: this client won the right to recache the item.</summary>
    public bool Win;
    /// <summary><c>X</c>: the item is stale.</summary>
    public bool Stale;
    /// <summary><c>Z</c>: another client already won the recache.</summary>
    public bool AlreadyWon;
}
#pragma warning restore CA1051

/// <summary>
/// Parses the replies a memcached server sends to meta commands (<c>VA HD EN NF NS EX MN</c>, and the generic
/// <c>ERROR</c>, <c>CLIENT_ERROR</c>, <c>SERVER_ERROR</c> lines). Reports "incomplete" until a whole reply,
/// data block included, is in the buffer; never allocates.
/// </summary>
public static class MetaReplyParser
{
    /// <summary>
    /// Longest reply line accepted; a line past this without a newline is a broken or hostile stream, not a
    /// reply to wait for.
    /// </summary>
    public const int MaxLineLength = 8 * 1024;

    /// <summary>Parses one reply from the start of <paramref name="buffer"/>.</summary>
    /// <returns><see cref="ParseStatus.Complete"/> with <paramref name="consumed"/> bytes; <see cref="ParseStatus.Incomplete"/>;
    /// or <see cref="ParseStatus.Error"/> when the bytes are not a meta reply (the stream cannot be trusted after that).</returns>
    public static ParseStatus TryParse(ReadOnlySpan<byte> buffer, out MetaReply reply, out int consumed)
    {
        reply = default;
        reply.TimeToLive = long.MinValue;
        consumed = 0;
        int newline = buffer.IndexOf((byte)'\n');
        if (newline < 0)
            return buffer.Length > MaxLineLength ? ParseStatus.Error : ParseStatus.Incomplete;
        if (newline == 0 || buffer[newline - 1] != '\r')
            return ParseStatus.Error;
        var line = buffer[..(newline - 1)];
        int lineLength = newline + 1;

        if (line.StartsWith("CLIENT_ERROR"u8))
            return Generic(line, lineLength, ReplyKind.ClientError, "CLIENT_ERROR".Length, ref reply, out consumed);
        if (line.StartsWith("SERVER_ERROR"u8))
            return Generic(line, lineLength, ReplyKind.ServerError, "SERVER_ERROR".Length, ref reply, out consumed);
        if (line.SequenceEqual("ERROR"u8))
            return Generic(line, lineLength, ReplyKind.Error, line.Length, ref reply, out consumed);
        if (line.Length < 2 || (line.Length > 2 && line[2] != ' '))
            return ParseStatus.Error;

        reply.Kind = ReplyKind.Meta;
        var rest = line.Length > 3 ? line[3..] : default;
        switch ((line[0], line[1]))
        {
            case ((byte)'V', (byte)'A'):
                reply.Status = MetaStatus.Value;
                int space = rest.IndexOf((byte)' ');
                var sizeToken = space < 0 ? rest : rest[..space];
                if (!Utf8Parser.TryParse(sizeToken, out int size, out int used) || used != sizeToken.Length || size < 0)
                    return ParseStatus.Error;
                rest = space < 0 ? default : rest[(space + 1)..];
                if (buffer.Length - lineLength < size + 2)
                    return ParseStatus.Incomplete;
                var block = buffer.Slice(lineLength, size + 2);
                if (block[^2] != '\r' || block[^1] != '\n')
                    return ParseStatus.Error;
                reply.Value = block[..size];
                lineLength += size + 2;
                break;
            case ((byte)'H', (byte)'D'): reply.Status = MetaStatus.Header; break;
            case ((byte)'E', (byte)'N'): reply.Status = MetaStatus.End; break;
            case ((byte)'N', (byte)'F'): reply.Status = MetaStatus.NotFound; break;
            case ((byte)'N', (byte)'S'): reply.Status = MetaStatus.NotStored; break;
            case ((byte)'E', (byte)'X'): reply.Status = MetaStatus.Exists; break;
            case ((byte)'M', (byte)'N'): reply.Status = MetaStatus.NoOp; break;
            default: return ParseStatus.Error;
        }
        reply.Flags = rest;
        if (!ReadFlags(rest, ref reply))
            return ParseStatus.Error;
        consumed = lineLength;
        return ParseStatus.Complete;
    }

    private static ParseStatus Generic(ReadOnlySpan<byte> line, int lineLength, ReplyKind kind, int wordLength, ref MetaReply reply, out int consumed)
    {
        reply.Kind = kind;
        reply.Message = line[wordLength..].TrimStart((byte)' ');
        consumed = lineLength;
        return ParseStatus.Complete;
    }

    private static bool ReadFlags(ReadOnlySpan<byte> flags, ref MetaReply reply)
    {
        var tokens = new MetaFlagTokens(flags);
        while (tokens.TryNext(out byte flag, out var token))
        {
            var value = token[1..];
            switch (flag)
            {
                case (byte)'f':
                    if (!MetaNumber.TryParseUInt32(value, out reply.ClientFlags)) return false;
                    break;
                case (byte)'c':
                    if (!MetaNumber.TryParseUInt64(value, out reply.Cas)) return false;
                    break;
                case (byte)'t':
                    if (!Utf8Parser.TryParse(value, out long ttl, out int used) || used != value.Length) return false;
                    reply.TimeToLive = ttl;
                    break;
                case (byte)'W': reply.Win = true; break;
                case (byte)'X': reply.Stale = true; break;
                case (byte)'Z': reply.AlreadyWon = true; break;
            }
        }
        return true;
    }
}
