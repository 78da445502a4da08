using System.Net;
using System.Net.Sockets;
using Hoard.Cli.Tests.Stats;

namespace Hoard.Cli.Tests.Cluster;

/// <summary>What <c>hoard cluster up</c> refuses before it starts anything.</summary>
public sealed class ClusterUpOptionsTests
{
    [Theory]
    [InlineData(new[] { "--nodes", "0" }, "--nodes 0 is out of range; it must be 1-64")]
    [InlineData(new[] { "--nodes", "65" }, "--nodes 65 is out of range; it must be 1-64")]
    [InlineData(new[] { "--nodes", "-3" }, "--nodes -3 is out of range")]
    [InlineData(new[] { "--memory", "0" }, "--memory 0 is out of range")]
    [InlineData(new[] { "--memory", "-64" }, "--memory -64 is out of range")]
    [InlineData(new[] { "--base-port", "0" }, "--base-port 0 is not a port")]
    [InlineData(new[] { "--base-port", "70000" }, "--base-port 70000 is not a port")]
    [InlineData(new[] { "--base-port", "65534", "--nodes", "3" }, "needs ports up to 65536; ports end at 65535")]
    [InlineData(new[] { "--threads", "0" }, "--threads 0 is out of range; it must be 1-64")]
    [InlineData(new[] { "--threads", "65" }, "--threads 65 is out of range")]
    [InlineData(new[] { "--host", "" }, "--host is empty")]
    [InlineData(new[] { "--host", "127.0.0.1,::1" }, "give one address")]
    [InlineData(new[] { "--host", "bad host!" }, "--host 'bad host!' is not an address or host name")]
    [InlineData(new[] { "--host", "::1::2" }, "--host '::1::2' is not an address or host name")]
    [InlineData(new[] { "--router", "--router-port", "11212" }, "--router-port 11212 is one of the nodes' ports 11211-11213")]
    [InlineData(new[] { "--router", "--router-port", "0" }, "--router-port 0 is not a port")]
    [InlineData(new[] { "--interval", "often" }, "--interval 'often' is not a duration")]
    [InlineData(new[] { "--interval", "0" }, "--interval '0' is out of range")]
    public async Task Bad_options_are_refused_before_anything_starts(string[] args, string message)
    {
        var (exit, output, error) = await CliRun.RunAsync(["cluster", "up", .. args]);
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("hoard cluster up: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nodes", "three")]
    [InlineData("--memory", "64m")]
    [InlineData("--base-port", "port")]
    [InlineData("--threads", "1.5")]
    public async Task Numbers_that_are_not_numbers_are_refused(string option, string value)
    {
        var (exit, output, error) = await CliRun.RunAsync("cluster", "up", option, value);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("started", output, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_subcommand_or_option_is_refused()
    {
        var (exit, _, error) = await CliRun.RunAsync("cluster", "down");
        Assert.Equal(1, exit);
        Assert.Contains("down", error, StringComparison.Ordinal);

        (exit, _, error) = await CliRun.RunAsync("cluster", "up", "--nodez", "3");
        Assert.Equal(1, exit);
        Assert.Contains("--nodez", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_is_refused_and_nothing_is_started()
    {
        int first = FreePorts.FindConsecutive(3);
        using var squatter = new TcpListener(IPAddress.Loopback, first + 1);
        squatter.Start();

        var (exit, output, error) = await CliRun.RunAsync("cluster", "up", "--nodes", "3", "--base-port", first.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(71, exit);
        Assert.Contains($"port {first + 1} on 127.0.0.1 is already in use", error, StringComparison.Ordinal);
        Assert.Contains("nothing was started", error, StringComparison.Ordinal);
        Assert.DoesNotContain("started", output, StringComparison.Ordinal);
        Assert.True(FreePorts.IsFree(first), "the free ports around the taken one must not have been used");
        Assert.True(FreePorts.IsFree(first + 2));
    }
}
