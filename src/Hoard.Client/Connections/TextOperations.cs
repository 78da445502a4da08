using System.Buffers;
using System.Text;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// A text-protocol command answered by lines: one line (<c>version</c>, <c>flush_all</c>, <c>verbosity</c>), or
/// <c>STAT name value</c> lines up to <c>END</c> (<c>stats</c>). Both protocols share these commands.
/// </summary>
internal sealed class TextLinesOperation(string command, bool untilEnd) : Operation<IReadOnlyList<string>>
{
    private const int MaxLineLength = 64 * 1024;
    private List<string>? _lines;

    public override string Name => "admin";

    public override string Describe() => command;

    public override void WriteRequest(IBufferWriter<byte> writer)
    {
        writer.Write(Encoding.ASCII.GetBytes(command));
        writer.Write("\r\n"u8);
    }

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out IReadOnlyList<string>? result, out Exception? error)
    {
        result = null;
        error = null;
        consumed = 0;
        _lines ??= [];
        while (true)
        {
            var rest = buffer[consumed..];
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
                return rest.Length > MaxLineLength ? ParseStatus.Error : ParseStatus.Incomplete;
            string line = Encoding.UTF8.GetString(rest[..newline].TrimEnd((byte)'\r'));
            consumed += newline + 1;
            if (line == "ERROR" || line.StartsWith("CLIENT_ERROR", StringComparison.Ordinal) || line.StartsWith("SERVER_ERROR", StringComparison.Ordinal))
            {
                error = new HoardServerException($"{command}: {line}");
                return ParseStatus.Complete;
            }
            if (!untilEnd)
            {
                result = [line];
                return ParseStatus.Complete;
            }
            if (line == "END")
            {
                result = _lines;
                return ParseStatus.Complete;
            }
            _lines.Add(line);
        }
    }
}
