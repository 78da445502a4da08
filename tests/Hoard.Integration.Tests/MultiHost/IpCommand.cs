using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>Runs iproute2's <c>ip</c>; a failure throws with the command line and what ip said.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static string Program =>
        RootFactAttribute.Ip ?? throw new InvalidOperationException("iproute2's ip is not installed");

    public static string Run(params string[] arguments)
    {
        var result = TryRun(arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {result}");
        return result.Stdout;
    }

    public static ChildProcess.Result TryRun(params string[] arguments) => ExternalTool.Run(Program, arguments, Limit);

    /// <summary>Names of the network namespaces <c>ip netns list</c> shows (the first word of each line).</summary>
    public static IReadOnlyList<string> Namespaces() =>
        [.. Run("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])];
}
