namespace Hoard.Cli.Tests;

/// <summary><c>hoard bench</c>'s refusals; its measurements are in bench/client-compare.sh and docs/benchmarks.md.</summary>
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
}
