using Hoard.Cli.Locate;

namespace Hoard.Cli.Tests;

public class LocateCommandTests
{
    private const string VectorServers =
        "10.0.1.1:11211:600,10.0.1.2:11211:300,10.0.1.3:11211:200,10.0.1.4:11211:350," +
        "10.0.1.5:11211:1000,10.0.1.6:11211:800,10.0.1.7:11211:950,10.0.1.8:11211:100";

    private static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await HoardCommandLine.InvokeAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Prints_key_and_server_per_key_with_ketama_by_default()
    {
        // Two of libmemcached's published ketama vectors, the second one wrapping past the last point.
        var (exitCode, output, error) = await Run("locate", "--servers", VectorServers, "SVa_]_V41)", "VDEAAAAA");
        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Equal("SVa_]_V41) 10.0.1.7:11211\nVDEAAAAA 10.0.1.3:11211\n", output);
    }

    [Theory]
    [InlineData("ketama", "libmemcached-spy", "10.0.1.2:11211")]
    [InlineData("ketama", "libketama", "10.0.1.7:11211")]
    public async Task Flavor_selects_the_ketama_variant(string distribution, string flavor, string server)
    {
        var (exitCode, output, _) = await Run("locate", "--servers", VectorServers, "--distribution", distribution, "--flavor", flavor, "SVa_]_V41)");
        Assert.Equal(0, exitCode);
        Assert.Equal($"SVa_]_V41) {server}\n", output);
    }

    [Fact]
    public async Task Modula_and_rendezvous_agree_with_python_memcached_and_pymemcache()
    {
        // python-memcached: k25's hash is 0, counted as 1 -> second of three servers.
        var modula = await Run("locate", "--servers", "a:1,b:2,c:3", "--distribution", "modula", "k25");
        Assert.Equal("k25 b:2\n", modula.Output);
        // pymemcache RendezvousHash over 127.0.0.1:11211..11215: key-0 -> the third.
        var rendezvous = await Run("locate", "--servers", "127.0.0.1:11211,127.0.0.1:11212,127.0.0.1:11213,127.0.0.1:11214,127.0.0.1:11215",
            "--distribution", "rendezvous", "key-0");
        Assert.Equal("key-0 127.0.0.1:11213\n", rendezvous.Output);
    }

    [Fact]
    public async Task IPv6_servers_print_in_brackets()
    {
        var (exitCode, output, _) = await Run("locate", "--servers", "[::1]:11300", "k");
        Assert.Equal(0, exitCode);
        Assert.Equal("k [::1]:11300\n", output);
    }

    [Theory]
    [InlineData("a:1,b:x", "hoard locate: invalid server 'b:x': port 'x' is not a number 1-65535")]
    [InlineData("a:1,,b:2", "hoard locate: empty entry in server list 'a:1,,b:2'")]
    [InlineData("::1:11211", "hoard locate: invalid server '::1:11211': an IPv6 address needs brackets, as in [::1]:11211")]
    [InlineData("a:1,a:1", "hoard locate: Server a:1 is listed more than once.")]
    public async Task Bad_server_lists_are_one_line_errors_and_exit_1(string servers, string message)
    {
        var (exitCode, output, error) = await Run("locate", "--servers", servers, "k");
        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_flavor_with_modula_is_an_error()
    {
        var (exitCode, _, error) = await Run("locate", "--servers", "a:1", "--distribution", "modula", "--flavor", "spymemcached", "k");
        Assert.Equal(1, exitCode);
        Assert.Equal("hoard locate: --flavor applies only to --distribution ketama, not modula\n", error);
    }

    [Fact]
    public async Task Unknown_distribution_and_missing_servers_are_errors()
    {
        Assert.NotEqual(0, (await Run("locate", "--servers", "a:1", "--distribution", "crc", "k")).ExitCode);
        Assert.NotEqual(0, (await Run("locate", "k")).ExitCode);
    }

    [Fact]
    public async Task Keys_are_read_from_input_when_none_are_given()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = LocateCommand.Create(output, error, () => new StringReader("x\ny\n\nz\n"));
        var exitCode = await command.Parse(["--servers", "a:1"]).InvokeAsync();
        Assert.Equal(0, exitCode);
        Assert.Equal("x a:1\ny a:1\nz a:1\n", output.ToString());
    }

    [Fact]
    public async Task Help_describes_the_options()
    {
        var (exitCode, output, _) = await Run("locate", "--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("--servers", output, StringComparison.Ordinal);
        Assert.Contains("--distribution", output, StringComparison.Ordinal);
        Assert.Contains("libmemcached-ketama", output, StringComparison.Ordinal);
    }
}
