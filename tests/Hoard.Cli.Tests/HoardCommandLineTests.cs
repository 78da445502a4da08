namespace Hoard.Cli.Tests;

public class HoardCommandLineTests
{
    private static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await HoardCommandLine.InvokeAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "server", "-p", "abc" }, "hoard server: invalid value 'abc' for -p/--port: expected a port number 0-65535")]
    [InlineData(new[] { "server", "-m", "-5" }, "hoard server: invalid value '-5' for -m/--memory-limit: expected a whole number of megabytes greater than 0, without a suffix")]
    [InlineData(new[] { "server", "-I", "2x" }, "hoard server: invalid value '2x' for -I/--max-item-size: expected a size in bytes with an optional k or m suffix, like 1m or 512k")]
    [InlineData(new[] { "server", "--bogus" }, "hoard server: unrecognized option '--bogus'")]
    [InlineData(new[] { "server", "-p" }, "hoard server: option requires an argument -- 'p'")]
    [InlineData(new[] { "server", "-o", "bogus" }, "hoard server: unknown option 'bogus' in -o/--extended (see hoard server -h for the list)")]
    public async Task Bad_server_flag_prints_one_line_and_exits_1(string[] args, string message)
    {
        var (exitCode, output, error) = await Run(args);
        Assert.Equal(1, exitCode);
        Assert.Equal(message + Environment.NewLine, error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Validation_problems_are_printed_and_exit_1()
    {
        var (exitCode, _, error) = await Run("server", "-m", "1", "-I", "1m");
        Assert.Equal(1, exitCode);
        Assert.Equal("hoard server: item max size cannot be larger than half of the memory limit (-m)" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Warnings_are_printed_before_validation_problems()
    {
        var (exitCode, _, error) = await Run("server", "-k", "-t", "0");
        Assert.Equal(1, exitCode);
        Assert.Contains("invalid value '0' for -t/--threads", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_help_is_memcached_style_and_lists_every_flag()
    {
        var (exitCode, output, error) = await Run("server", "-h");
        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Contains("-p, --port=<num>", output, StringComparison.Ordinal);
        Assert.Contains("idle_timeout", output, StringComparison.Ordinal);
        Assert.Contains("MEMCACHED_PORT_FILENAME", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_version_prints_name_and_version()
    {
        var (exitCode, output, _) = await Run("server", "-V");
        Assert.Equal(0, exitCode);
        Assert.StartsWith("hoard ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_help_lists_the_server_command()
    {
        var (exitCode, output, _) = await Run("--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("server", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_version_prints_the_version()
    {
        var (exitCode, output, _) = await Run("--version");
        Assert.Equal(0, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public async Task Unknown_subcommand_is_an_error()
    {
        var (exitCode, _, error) = await Run("frobnicate");
        Assert.NotEqual(0, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task At_sign_argument_is_not_read_as_a_response_file()
    {
        var (exitCode, _, error) = await Run("server", "@nonexistent");
        Assert.Equal(1, exitCode);
        Assert.Equal("hoard server: unexpected argument '@nonexistent' (hoard server takes only options)" + Environment.NewLine, error);
    }
}
