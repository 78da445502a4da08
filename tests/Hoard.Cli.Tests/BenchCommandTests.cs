using Hoard.Cli.Tests.Stats;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Cli.Tests;

/// <summary>
/// <c>hoard bench</c>: its refusals, its per-interval report and its early stop, against memcached 1.6; its
/// measurements are in bench/client-compare.sh and docs/benchmarks.md.
/// </summary>
public sealed class BenchCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = HoardCommandLine.InvokeAsync(["bench", .. args], output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "--duration", "0" }, "--duration must be positive")]
    [InlineData(new[] { "--concurrency", "-1" }, "--concurrency must be positive")]
    [InlineData(new[] { "--get-ratio", "1.5" }, "--get-ratio must be between 0 and 1")]
    [InlineData(new[] { "--value-size", "2000000" }, "--value-size must be 0-1048576")]
    [InlineData(new[] { "--servers", "host:notaport" }, "port")]
    [InlineData(new[] { "--interval", "-1" }, "--interval must be 0 or more")]
    [InlineData(new[] { "--operation-timeout", "0" }, "--operation-timeout must be positive")]
    [InlineData(new[] { "--connect-timeout", "-5" }, "--connect-timeout must be positive")]
    [InlineData(new[] { "--failure-limit", "-1" }, "--failure-limit must be 0 or more")]
    [InlineData(new[] { "--retry-timeout", "-1" }, "--retry-timeout must be 0 or more")]
    public void Bad_settings_are_refused_with_one_line(string[] args, string message)
    {
        var (exit, _, error) = Run(args);
        Assert.Equal(1, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_server_is_reported_not_benchmarked()
    {
        var (exit, _, error) = Run("--servers", "127.0.0.1:1", "--duration", "1");
        Assert.Equal(69, exit);
        Assert.Contains("cannot load the keys", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Intervals_are_reported_as_they_pass_then_the_summary()
    {
        using var server = CacheServer.StartMemcached();
        var (exit, output, error) = Run("--servers", server.HostPort, "--duration", "3", "--interval", "1", "--concurrency", "4", "--keys", "100",
            "--operation-timeout", "2000", "--connect-timeout", "2000", "--failure-limit", "0", "--retry-timeout", "1000");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var intervals = lines.Where(l => l.Contains(" ops/s  errors 0  p99 ", StringComparison.Ordinal)).ToList();
        Assert.InRange(intervals.Count, 2, 3);
        Assert.Contains(lines, l => l.Contains("requests in", StringComparison.Ordinal) && l.Contains("errors 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("latency µs: p50", StringComparison.Ordinal));
    }

    [Fact]
    public void Sigint_ends_the_run_early_with_the_summary_of_what_ran()
    {
        using var server = CacheServer.StartMemcached();
        using var bench = ChildProcess.Start(HoardApphost.Executable, ["bench", "--servers", server.HostPort, "--duration", "120", "--interval", "1", "--concurrency", "4", "--keys", "100"]);
        bench.WaitForOutput(output => output.Contains(" ops/s  errors ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the first interval");
        bench.Signal(ChildProcess.SigInt);
        Assert.Equal(0, bench.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Contains("(stopped early by a signal)", bench.Output, StringComparison.Ordinal);
        Assert.Contains("latency µs: p50", bench.Output, StringComparison.Ordinal);
    }
}
