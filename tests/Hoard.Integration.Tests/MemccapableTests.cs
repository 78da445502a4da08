using System.Globalization;
using System.Text.RegularExpressions;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>libmemcached's protocol conformance tool, ASCII tests only.</summary>
public sealed partial class MemccapableTests
{
    [Fact]
    public void Memccapable_ascii_suite_passes_every_test()
    {
        using var server = ServerProcess.Start();
        var result = ExternalTool.Run("/usr/bin/memccapable",
            ["-a", "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(90));

        // memccapable prints "name [pass]" on stdout, but a failing test's "[FAIL]" goes to stderr, leaving the
        // name on stdout without an outcome; so every expected test without "[pass]" counts as failing.
        var passed = PassLine().Matches(result.Stdout).Select(m => m.Groups["name"].Value.Trim()).ToHashSet();
        var failing = AsciiTests.Where(name => !passed.Contains(name)).ToList();

        Assert.True(failing.Count == 0 && result.ExitCode == 0,
            $"memccapable tests not passing: {string.Join(", ", failing)}\n{result}\n{server.Describe()}");
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

    [GeneratedRegex(@"(?<name>ascii(?: [a-z]+)+)\s+\[pass\]")]
    private static partial Regex PassLine();
}
