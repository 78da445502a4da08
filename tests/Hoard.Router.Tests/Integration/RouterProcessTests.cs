using System.Diagnostics;
using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;
using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Integration;

/// <summary><c>hoard router</c> as a real process: start, serve, refuse bad configs, stop on SIGTERM; and the Prometheus endpoint.</summary>
public sealed class RouterProcessTests
{
    [Theory]
    [InlineData("epoll")]
    [InlineData("sockets")]
    public async Task The_router_process_serves_seed_003s_session_and_exits_cleanly_on_sigterm(string transport)
    {
        await using var server = Memcached.Start();
        var directory = Directory.CreateTempSubdirectory("hoard-router-process-").FullName;
        try
        {
            string config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, $$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""");
            int port = Memcached.FreePort();
            using var router = Start("router", "--config", "file:" + config, "-p", port.ToString(CultureInfo.InvariantCulture), "-l", "127.0.0.1", "-t", "1", "--transport", transport);
            string? line = await router.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("hoard router listening on 127.0.0.1:", line, StringComparison.Ordinal);

            using (var first = TextClient.Connect(port))
                Assert.Equal("STORED", first.Call("set anotherkey 0 0 15\r\nMcrouter is fun"));
            using (var second = TextClient.Connect(port))
                Assert.Equal("Mcrouter is fun", second.Get("anotherkey"));

            Signal(router.Id, "TERM");
            Assert.True(router.WaitForExit(15_000), "the router did not stop on SIGTERM");
            Assert.Equal(0, router.ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("{ \"pools\": { \"A\": { \"servers\": [\"127.0.0.1:1\"] } }, \"route\": \"PoolRoute|B\" }", "$.route: pool 'B' is not defined")]
    [InlineData("{ \"route\": { \"type\": \"FailoverRoute\" } ", "not valid JSON")]
    public async Task A_bad_config_stops_the_start_with_an_error_naming_the_field(string json, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("hoard-router-process-").FullName;
        try
        {
            string config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, json);
            using var router = Start("router", "--config", config, "-p", "0");
            string error = await router.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(router.WaitForExit(15_000));
            Assert.Equal(1, router.ExitCode);
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_config_file_is_a_usage_error()
    {
        using var router = Start("router", "--config", "/nonexistent/router.json");
        string error = await router.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(router.WaitForExit(15_000));
        Assert.Equal(1, router.ExitCode);
        Assert.Contains("config file /nonexistent/router.json does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_transport_is_a_usage_error()
    {
        using var router = Start("router", "--config", "/nonexistent/router.json", "--transport", "io_uring");
        string error = await router.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(router.WaitForExit(15_000));
        Assert.NotEqual(0, router.ExitCode);
        Assert.Contains("io_uring", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_endpoint_serves_the_stats_figures()
    {
        await using var server = Memcached.Start();
        int metricsPort = Memcached.FreePort();
        await using var router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""",
            o => new RouterOptions { ConfigPath = o.ConfigPath, Port = 0, ListenAddresses = o.ListenAddresses, MetricsPort = metricsPort });
        using (var client = router.Connect())
        {
            client.Set("m", "1");
            client.Get("m");
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Contains("hoard_router_cmd_get 1\n", text, StringComparison.Ordinal);
        Assert.Contains("hoard_router_get_hits 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"hoard_router_server_up{{server=\"{server.Address}\"}} 1\n", text, StringComparison.Ordinal);
        var missing = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/other"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(HoardBinary()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start hoard");
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid.ToString(CultureInfo.InvariantCulture)}");
        kill.WaitForExit();
    }

    private static string HoardBinary()
    {
        if (Environment.GetEnvironmentVariable("HOARD_BIN") is { Length: > 0 } fromEnv)
            return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "src", "Hoard.Cli", "bin", "Release", "net10.0", "hoard");
            if (File.Exists(path))
                return path;
        }
        throw new InvalidOperationException("the hoard apphost is not built: dotnet build Hoard.sln -c Release (or set HOARD_BIN)");
    }
}
