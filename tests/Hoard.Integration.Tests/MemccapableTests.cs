using System.Globalization;
using System.Text.RegularExpressions;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>libmemcached's protocol conformance tool: the ASCII tests, the binary tests, and both together.</summary>
public sealed partial class MemccapableTests
{
    [Fact]
    public void Memccapable_ascii_suite_passes_every_test() => RunSuite(["-a"], AsciiTests);

    [Fact]
    public void Memccapable_binary_suite_passes_every_test() => RunSuite(["-b"], BinaryTests);

    [Fact]
    public void Memccapable_full_suite_passes_every_test() => RunSuite([], [.. BinaryTests, .. AsciiTests]);

    private static void RunSuite(string[] selection, string[] expected)
    {
        using var server = ServerProcess.Start();
        var result = ExternalTool.Run("/usr/bin/memccapable",
            [.. selection, "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(90));

        // memccapable prints "name [pass]" on stdout, but a failing test's "[FAIL]" goes to stderr, leaving the
        // name on stdout without an outcome; so every expected test without "[pass]" counts as failing.
        var passed = PassLine().Matches(result.Stdout).Select(m => m.Groups["name"].Value.Trim()).ToHashSet();
        var failing = expected.Where(name => !passed.Contains(name)).ToList();

        Assert.True(failing.Count == 0 && result.ExitCode == 0,
            $"memccapable {string.Join(' ', selection)}: {failing.Count} of {expected.Length} tests not passing: {string.Join(", ", failing)}\n{result}\n{server.Describe()}");
    }

    /// <summary>The ASCII tests of libmemcached-tools 1.1 (Debian 12), in the order memccapable runs them.</summary>
    private static readonly string[] AsciiTests =
    [
        "ascii version", "ascii quit", "ascii verbosity", "ascii set", "ascii set noreply", "ascii get", "ascii gets",
        "ascii mget", "ascii flush", "ascii flush noreply", "ascii add", "ascii add noreply", "ascii replace",
        "ascii replace noreply", "ascii cas", "ascii cas noreply", "ascii delete", "ascii delete noreply",
        "ascii incr", "ascii incr noreply", "ascii decr", "ascii decr noreply", "ascii append",
        "ascii append noreply", "ascii prepend", "ascii prepend noreply", "ascii stat",
    ];

    /// <summary>The binary tests of libmemcached-tools 1.1 (Debian 12), in the order memccapable runs them.</summary>
    private static readonly string[] BinaryTests =
    [
        "binary noop", "binary quit", "binary quitq", "binary set", "binary setq", "binary flush", "binary flushq",
        "binary add", "binary addq", "binary replace", "binary replaceq", "binary delete", "binary deleteq",
        "binary get", "binary getq", "binary getk", "binary getkq", "binary incr", "binary incrq", "binary decr",
        "binary decrq", "binary version", "binary append", "binary appendq", "binary prepend", "binary prependq",
        "binary stat",
    ];

    [GeneratedRegex(@"(?<name>(?:ascii|binary)(?: [a-z]+)+)\s+\[pass\]")]
    private static partial Regex PassLine();
}
