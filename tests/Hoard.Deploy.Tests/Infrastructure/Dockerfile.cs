using System.Text;
using System.Text.Json;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// A Dockerfile read the way BuildKit reads one: comment lines dropped (also inside continuations), lines
/// ending in a backslash joined, leading <c>--flag=value</c> options split off, and JSON arrays recognised as
/// the exec form. Enough for checking instructions; it does not expand variables.
/// </summary>
public sealed class Dockerfile
{
    private static readonly HashSet<string> Keywords =
    [
        "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR",
        "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER",
    ];

    private Dockerfile(string name, IReadOnlyList<DockerfileInstruction> instructions)
    {
        Name = name;
        Instructions = instructions;
    }

    public string Name { get; }

    public IReadOnlyList<DockerfileInstruction> Instructions { get; }

    /// <summary>The instructions of each stage, from its FROM (inclusive) to the next.</summary>
    public IReadOnlyList<IReadOnlyList<DockerfileInstruction>> Stages
    {
        get
        {
            var stages = new List<IReadOnlyList<DockerfileInstruction>>();
            List<DockerfileInstruction>? current = null;
            foreach (var instruction in Instructions)
            {
                if (instruction.Keyword == "FROM")
                {
                    current = [];
                    stages.Add(current);
                }
                current?.Add(instruction);
            }
            return stages;
        }
    }

    public IReadOnlyList<DockerfileInstruction> FinalStage => Stages[^1];

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>Parses Dockerfile text.</summary>
    /// <exception cref="FormatException">Unknown instruction, a continuation at the end of the file, a malformed flag or exec-form array, or no FROM; the message names the line.</exception>
    public static Dockerfile Parse(string text, string name)
    {
        var instructions = new List<DockerfileInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int start = i + 1;
            var joined = new StringBuilder();
            while (true)
            {
                if (line.EndsWith('\\'))
                {
                    joined.Append(line.AsSpan(0, line.Length - 1)).Append(' ');
                    // The next line that is neither a comment nor empty continues this one (BuildKit skips both).
                    do
                    {
                        i++;
                        if (i >= lines.Length)
                            throw new FormatException($"{name} line {start}: the instruction continues past the end of the file");
                        line = lines[i].Trim();
                    }
                    while (line.Length == 0 || line.StartsWith('#'));
                    continue;
                }
                joined.Append(line);
                break;
            }
            instructions.Add(ParseInstruction(joined.ToString(), start, name));
        }
        if (instructions.Count == 0 || !instructions.Any(x => x.Keyword == "FROM"))
            throw new FormatException($"{name}: no FROM instruction");
        var firstNonArg = instructions.First(x => x.Keyword != "ARG");
        if (firstNonArg.Keyword != "FROM")
            throw new FormatException($"{name} line {firstNonArg.Line}: {firstNonArg.Keyword} before the first FROM");
        return new Dockerfile(name, instructions);
    }

    private static DockerfileInstruction ParseInstruction(string text, int line, string name)
    {
        int space = text.IndexOfAny([' ', '\t']);
        var keyword = (space < 0 ? text : text[..space]).ToUpperInvariant();
        if (!Keywords.Contains(keyword))
            throw new FormatException($"{name} line {line}: unknown instruction '{(space < 0 ? text : text[..space])}'");
        var rest = space < 0 ? "" : text[(space + 1)..].Trim();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            int end = rest.IndexOfAny([' ', '\t']);
            var flag = end < 0 ? rest : rest[..end];
            int equals = flag.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                throw new FormatException($"{name} line {line}: flag '{flag}' of {keyword} has no =value");
            flags[flag[2..equals]] = flag[(equals + 1)..];
            rest = end < 0 ? "" : rest[(end + 1)..].TrimStart();
        }
        IReadOnlyList<string>? exec = null;
        var arrayText = keyword == "HEALTHCHECK" && rest.StartsWith("CMD ", StringComparison.OrdinalIgnoreCase) ? rest[4..].TrimStart() : rest;
        if (arrayText.StartsWith('['))
        {
            try
            {
                exec = JsonSerializer.Deserialize<string[]>(arrayText) ?? throw new FormatException("null");
            }
            catch (JsonException e)
            {
                throw new FormatException($"{name} line {line}: {keyword} starts like an exec-form array but is not a JSON array of strings: {e.Message}", e);
            }
        }
        return new DockerfileInstruction(line, keyword, flags, rest, exec);
    }
}
