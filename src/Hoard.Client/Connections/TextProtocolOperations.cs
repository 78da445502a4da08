using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// Reading the text protocol's replies (for servers without the meta protocol): one status line, or
/// <c>VALUE key flags bytes [cas]</c> blocks up to <c>END</c>.
/// </summary>
internal static class TextReplies
{
    private const int MaxLineLength = 8 * 1024;

    /// <summary>Reads one line (without CRLF); Incomplete until it is whole.</summary>
    public static ParseStatus Line(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> line, out int consumed)
    {
        line = default;
        consumed = 0;
        int newline = buffer.IndexOf((byte)'\n');
        if (newline < 0)
            return buffer.Length > MaxLineLength ? ParseStatus.Error : ParseStatus.Incomplete;
        if (newline == 0 || buffer[newline - 1] != '\r')
            return ParseStatus.Error;
        line = buffer[..(newline - 1)];
        consumed = newline + 1;
        return ParseStatus.Complete;
    }

    /// <summary>The exception for an error line, or null when the line is not one.</summary>
    public static Exception? Error(ReadOnlySpan<byte> line, string command)
    {
        if (line.SequenceEqual("ERROR"u8) || line.StartsWith("CLIENT_ERROR"u8) || line.StartsWith("SERVER_ERROR"u8))
            return new HoardServerException($"{command}: {Encoding.ASCII.GetString(line)}");
        return null;
    }

    /// <summary>
    /// Reads <c>VALUE</c> blocks up to <c>END</c>, handing each to <paramref name="found"/>; consumes only whole
    /// blocks, so it can be called again with more bytes.
    /// </summary>
    public static ParseStatus Values(ReadOnlySpan<byte> buffer, out int consumed, out Exception? error, Action<string, CacheItem> found)
    {
        consumed = 0;
        error = null;
        while (true)
        {
            var status = Line(buffer[consumed..], out var line, out int used);
            if (status != ParseStatus.Complete)
                return status;
            if (line.SequenceEqual("END"u8))
            {
                consumed += used;
                return ParseStatus.Complete;
            }
            if (Error(line, "get") is { } failure)
            {
                consumed += used;
                error = failure;
                return ParseStatus.Complete;
            }
            if (!line.StartsWith("VALUE "u8))
                return ParseStatus.Error;
            var tokens = new KeyTokenizer(line[6..]);
            if (!tokens.TryNext(out var key) || !tokens.TryNext(out var flagsToken) || !tokens.TryNext(out var sizeToken)
                || !Utf8Parser.TryParse(flagsToken, out uint flags, out int flagsUsed) || flagsUsed != flagsToken.Length
                || !Utf8Parser.TryParse(sizeToken, out int size, out int sizeUsed) || sizeUsed != sizeToken.Length || size < 0)
                return ParseStatus.Error;
            ulong cas = 0;
            if (tokens.TryNext(out var casToken) && (!Utf8Parser.TryParse(casToken, out cas, out int casUsed) || casUsed != casToken.Length))
                return ParseStatus.Error;
            var rest = buffer[(consumed + used)..];
            if (rest.Length < size + 2)
                return ParseStatus.Incomplete;
            if (rest[size] != '\r' || rest[size + 1] != '\n')
                return ParseStatus.Error;
            found(Encoding.UTF8.GetString(key), new CacheItem(rest[..size].ToArray(), flags, cas));
            consumed += used + size + 2;
        }
    }

    public static void Write(IBufferWriter<byte> writer, string text) => writer.Write(Encoding.ASCII.GetBytes(text));

    public static void Key(IBufferWriter<byte> writer, byte[] key)
    {
        if (!MetaRequestWriter.IsPlainKey(key))
            throw new ArgumentException("the text protocol cannot carry keys with spaces or control characters; use the meta protocol", nameof(key));
        writer.Write(" "u8);
        writer.Write(key);
    }
}

/// <summary><c>gets key...</c> or <c>gats exptime key...</c>: one or many keys.</summary>
internal sealed class TextGetOperation(IReadOnlyList<byte[]> keys, long? touchSeconds) : Operation<List<KeyValuePair<string, CacheItem>>>
{
    private List<KeyValuePair<string, CacheItem>>? _found;

    public override string Name => keys.Count == 1 ? "get" : "get_many";

    public override string Describe() => touchSeconds is null ? $"gets ×{keys.Count}" : $"gats ×{keys.Count}";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        TextReplies.Write(writer, touchSeconds is { } ttl ? $"gats {ttl}" : "gets");
        foreach (var key in keys)
            TextReplies.Key(writer, key);
        writer.Write("\r\n"u8);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out List<KeyValuePair<string, CacheItem>>? result, out Exception? error)
    {
        var found = _found ??= [];
        var status = TextReplies.Values(buffer, out consumed, out error, (key, item) => found.Add(new(key, item)));
        // Incomplete keeps what was consumed: those whole VALUE blocks are already recorded.
        result = status == ParseStatus.Complete ? found : null;
        return status;
    }
}

/// <summary><c>set/add/replace/append/prepend/cas key flags exptime bytes [cas]</c>.</summary>
internal sealed class TextStoreOperation(byte[] key, ReadOnlyMemory<byte> value, uint flags, long seconds, StoreMode mode, ulong cas) : Operation<StoreResult>
{
    public override string Name => "store";

    public override string Describe() => $"{Verb} {Encoding.UTF8.GetString(key)}";

    private string Verb => cas != 0 ? "cas" : mode.ToString().ToLowerInvariant();

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        TextReplies.Write(writer, Verb);
        TextReplies.Key(writer, key);
        TextReplies.Write(writer, cas != 0 ? $" {flags} {seconds} {value.Length} {cas}\r\n" : $" {flags} {seconds} {value.Length}\r\n");
        writer.Write(value.Span);
        writer.Write("\r\n"u8);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out StoreResult result, out Exception? error)
    {
        result = StoreResult.NotStored;
        var status = TextReplies.Line(buffer, out var line, out consumed);
        error = status == ParseStatus.Complete ? TextReplies.Error(line, Verb) : null;
        if (status == ParseStatus.Complete && error is null)
        {
            if (line.SequenceEqual("STORED"u8)) result = StoreResult.Stored;
            else if (line.SequenceEqual("EXISTS"u8)) result = StoreResult.Exists;
            else if (line.SequenceEqual("NOT_FOUND"u8)) result = StoreResult.NotFound;
            else if (!line.SequenceEqual("NOT_STORED"u8)) return ParseStatus.Error;
        }
        return status;
    }
}

/// <summary><c>delete key</c>, <c>touch key exptime</c>, <c>incr/decr key delta</c>: one line back.</summary>
internal sealed class TextLineOperation(string verb, byte[] key, string? argument) : Operation<(bool Found, ulong Number)>
{
    public override string Name => verb;

    public override string Describe() => $"{verb} {Encoding.UTF8.GetString(key)}";

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        TextReplies.Write(writer, verb);
        TextReplies.Key(writer, key);
        if (argument is not null)
            TextReplies.Write(writer, " " + argument);
        writer.Write("\r\n"u8);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out (bool Found, ulong Number) result, out Exception? error)
    {
        result = default;
        var status = TextReplies.Line(buffer, out var line, out consumed);
        error = status == ParseStatus.Complete ? TextReplies.Error(line, verb) : null;
        if (status != ParseStatus.Complete || error is not null)
            return status;
        if (line.SequenceEqual("NOT_FOUND"u8))
            return status;
        if (line.SequenceEqual("DELETED"u8) || line.SequenceEqual("TOUCHED"u8))
            result = (true, 0);
        else if (Utf8Parser.TryParse(line.TrimEnd((byte)' '), out ulong number, out int used) && used == line.TrimEnd((byte)' ').Length)
            result = (true, number);
        else
            return ParseStatus.Error;
        return status;
    }
}
