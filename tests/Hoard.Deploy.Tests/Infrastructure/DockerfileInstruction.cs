namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// One instruction of a Dockerfile: its keyword (upper case), its flags (<c>--from=build</c>) and the rest of
/// its text, continuation lines joined, plus the exec-form array when the arguments are one (<c>["a", "b"]</c>).
/// </summary>
public sealed record DockerfileInstruction(int Line, string Keyword, IReadOnlyDictionary<string, string> Flags, string Arguments, IReadOnlyList<string>? ExecForm)
{
    /// <summary>Whitespace-separated words of the arguments (shell form; no quote handling needed here).</summary>
    public IReadOnlyList<string> Words => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}
