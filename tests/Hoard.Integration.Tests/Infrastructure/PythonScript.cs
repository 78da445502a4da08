using System.Globalization;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Runs a client script from scripts/ with Debian's python against servers; fails with its FAIL lines.</summary>
internal static class PythonScript
{
    public static void AssertPasses(ServerProcess server, string script, params int[] ports) =>
        AssertPasses(server, script, ports, []);

    /// <summary>As above, with <paramref name="arguments"/> after the ports.</summary>
    public static void AssertPasses(ServerProcess server, string script, int[] ports, string[] arguments)
    {
        var args = new List<string> { ExternalTool.Script(script) };
        args.AddRange(ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        args.AddRange(arguments);
        var result = ExternalTool.Run(ExternalTool.Python, args, TimeSpan.FromSeconds(90));
        var failures = result.Stdout.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.True(result.ExitCode == 0 && failures.Count == 0,
            $"{script} failed:\n{string.Join('\n', failures)}\n{result}\n{server.Describe()}");
        Assert.Contains("ALL PASSED", result.Stdout, StringComparison.Ordinal);
    }
}
