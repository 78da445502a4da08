using System.Globalization;
using System.Text.Json;

namespace Hoard.Cli.Tests.Stats;

/// <summary><c>hoard stats</c> against real servers: a hoard server and Debian's memcached 1.6.</summary>
public sealed class StatsCommandTests
{
    [Theory]
    [InlineData(new[] { "--servers", "" }, "--servers is empty")]
    [InlineData(new[] { "--servers", " " }, "--servers is empty")]
    [InlineData(new[] { "--servers", "127.0.0.1:99999" }, "port '99999' is not a number 1-65535")]
    [InlineData(new[] { "--servers", "127.0.0.1:11211,,127.0.0.1:11212" }, "empty entry")]
    [InlineData(new[] { "--servers", "[::1:11211" }, "missing ']'")]
    [InlineData(new[] { "--servers", "memcache://host:11211" }, "a URL is not a server")]
    [InlineData(new[] { "--servers", "bad host:11211" }, "not a host name or address")]
    [InlineData(new[] { "--servers", "a:1,a:1" }, "a:1 is listed twice")]
    [InlineData(new[] { "--timeout", "soon" }, "--timeout 'soon' is not a duration")]
    [InlineData(new[] { "--timeout", "0" }, "--timeout '0' is out of range")]
    public async Task Bad_options_are_refused_with_one_line(string[] args, string message)
    {
        var (exit, output, error) = await CliRun.RunAsync(["stats", .. args]);
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("hoard stats: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_refused()
    {
        var (exit, _, error) = await CliRun.RunAsync("stats", "--serverz", "127.0.0.1:11211");
        Assert.Equal(1, exit);
        Assert.Contains("--serverz", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_server_is_down_they_show_as_down_and_the_exit_code_is_69()
    {
        int port = CliRun.ClosedPort();
        var (exit, output, error) = await CliRun.RunAsync("stats", "--servers", $"127.0.0.1:{port}");
        Assert.Equal(69, exit);
        Assert.Contains("down (Connection refused)", output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port} is down: Connection refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hoard_figures_are_right_after_sets_and_gets_and_a_down_server_does_not_fail_the_command()
    {
        using var server = CacheServer.StartHoard();
        Traffic(server);
        int closed = CliRun.ClosedPort();

        var (exit, output, error) = await CliRun.RunAsync("stats", "--servers", $"{server.HostPort},127.0.0.1:{closed}");

        Assert.True(exit == 0, error);
        Assert.Equal(["state", "up", "down", "(Connection", "refused)"], CliRun.Row(output, "state"));
        Assert.Equal(["curr_items", "3", "-"], CliRun.Row(output, "curr_items"));
        Assert.Equal(["get_hits", "2", "-"], CliRun.Row(output, "get_hits"));
        Assert.Equal(["get_misses", "1", "-"], CliRun.Row(output, "get_misses"));
        Assert.Equal(["hit", "ratio", "66.7%", "-"], CliRun.Row(output, "hit ratio"));
        Assert.Equal(["cmd_set", "3", "-"], CliRun.Row(output, "cmd_set"));
        Assert.Equal(["pid", server.Pid.ToString(CultureInfo.InvariantCulture), "-"], CliRun.Row(output, "pid"));
        Assert.StartsWith("1.6.18-hoard-", CliRun.Row(output, "version")[1], StringComparison.Ordinal);
        Assert.Contains("/ 16.0 MiB", string.Join(' ', CliRun.Row(output, "bytes / limit_maxbytes")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memcached_figures_are_right_after_sets_and_gets()
    {
        using var server = CacheServer.StartMemcached();
        Traffic(server);

        var (exit, output, error) = await CliRun.RunAsync("stats", "--servers", server.HostPort);

        Assert.True(exit == 0, error);
        Assert.Equal(["curr_items", "3"], CliRun.Row(output, "curr_items"));
        Assert.Equal(["get_hits", "2"], CliRun.Row(output, "get_hits"));
        Assert.Equal(["get_misses", "1"], CliRun.Row(output, "get_misses"));
        Assert.Equal(["cmd_get", "3"], CliRun.Row(output, "cmd_get"));
        Assert.Equal(["version", "1.6.18"], CliRun.Row(output, "version"));
        Assert.Equal(["evictions", "0"], CliRun.Row(output, "evictions"));
    }

    [Fact]
    public async Task Json_carries_every_stat_of_both_servers_and_the_state_of_a_down_one()
    {
        using var hoard = CacheServer.StartHoard();
        using var memcached = CacheServer.StartMemcached();
        Traffic(hoard);
        Traffic(memcached);
        int closed = CliRun.ClosedPort();

        var (exit, output, error) = await CliRun.RunAsync("stats", "--json", "--servers", $"{hoard.HostPort},{memcached.HostPort},127.0.0.1:{closed}");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var servers = json.RootElement.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(3, servers.Count);
        foreach (var (entry, server) in servers.Take(2).Zip([hoard, memcached]))
        {
            Assert.Equal(server.HostPort, entry.GetProperty("server").GetString());
            Assert.Equal("up", entry.GetProperty("state").GetString());
            var stats = entry.GetProperty("stats");
            Assert.Equal("2", stats.GetProperty("get_hits").GetString());
            Assert.Equal("1", stats.GetProperty("get_misses").GetString());
            Assert.Equal("3", stats.GetProperty("cmd_set").GetString());
            Assert.Equal("3", stats.GetProperty("curr_items").GetString());
            Assert.Equal(server.Pid.ToString(CultureInfo.InvariantCulture), stats.GetProperty("pid").GetString());
            Assert.Equal(16L * 1024 * 1024, long.Parse(stats.GetProperty("limit_maxbytes").GetString()!, CultureInfo.InvariantCulture));
            Assert.Equal(2.0 / 3, entry.GetProperty("hit_ratio").GetDouble(), 5);
        }
        Assert.Equal("down", servers[2].GetProperty("state").GetString());
        Assert.Equal("Connection refused", servers[2].GetProperty("error").GetString());
        Assert.False(servers[2].TryGetProperty("stats", out _));
    }

    /// <summary>3 sets, 2 hits and 1 miss.</summary>
    internal static void Traffic(CacheServer server)
    {
        using var connection = server.Connect();
        connection.Set("alpha", "1");
        connection.Set("beta", "22");
        connection.Set("gamma", "333");
        Assert.Equal("1", connection.Get("alpha"));
        Assert.Equal("22", connection.Get("beta"));
        Assert.Null(connection.Get("missing"));
    }
}
