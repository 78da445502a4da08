using System.Globalization;

namespace Hoard.Cli.Tests.Stats;

/// <summary><c>hoard top</c>, bounded with <c>--iterations</c>, against servers under traffic.</summary>
public sealed class TopCommandTests
{
    [Theory]
    [InlineData(new[] { "--interval", "fast" }, "--interval 'fast' is not a duration")]
    [InlineData(new[] { "--interval", "0" }, "--interval '0' is out of range")]
    [InlineData(new[] { "--interval", "10ms" }, "--interval '10ms' is out of range")]
    [InlineData(new[] { "--interval", "-1" }, "is not a duration")]
    [InlineData(new[] { "--iterations", "-1" }, "--iterations -1 is negative")]
    [InlineData(new[] { "--servers", "host:0" }, "port '0' is not a number 1-65535")]
    [InlineData(new[] { "--servers", "," }, "empty entry")]
    public async Task Bad_options_are_refused_with_one_line(string[] args, string message)
    {
        var (exit, output, error) = await CliRun.RunAsync(["top", .. args]);
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("hoard top: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iterations_that_are_not_a_number_are_refused()
    {
        var (exit, _, error) = await CliRun.RunAsync("top", "--iterations", "two");
        Assert.Equal(1, exit);
        Assert.Contains("two", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rates_of_servers_under_traffic_are_printed_each_refresh_with_a_total()
    {
        using var hoard = CacheServer.StartHoard();
        using var memcached = CacheServer.StartMemcached();
        int closed = CliRun.ClosedPort();
        using var stopTraffic = new CancellationTokenSource();
        // top's first interval must already see traffic on both servers: it starts once both loops run.
        using var trafficRunning = new CountdownEvent(2);
        var traffic = new[] { hoard, memcached }.Select(server => Task.Run(() =>
        {
            using var connection = server.Connect();
            connection.Set("present", "value");
            bool signalled = false;
            while (!stopTraffic.IsCancellationRequested)
            {
                connection.Get("present");
                connection.Get("absent");
                connection.Set("written", "x");
                if (!signalled)
                {
                    trafficRunning.Signal();
                    signalled = true;
                }
                Thread.Sleep(2);
            }
        })).ToArray();
        Assert.True(trafficRunning.Wait(TimeSpan.FromSeconds(30)), "the traffic did not start");

        var (exit, output, error) = await CliRun.RunAsync(
            "top", "--servers", $"{hoard.HostPort},{memcached.HostPort},127.0.0.1:{closed}", "--interval", "400ms", "--iterations", "2");
        stopTraffic.Cancel();
        await Task.WhenAll(traffic);

        Assert.True(exit == 0, error);
        var refreshes = output.Split("hoard top ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, refreshes.Length);
        Assert.Contains("refresh 2 interval 400ms", refreshes[1], StringComparison.Ordinal);
        foreach (var refresh in refreshes)
        {
            foreach (var server in new[] { hoard, memcached })
            {
                // server state conns items gets/s sets/s hits/s misses/s hit% evictions/s in/s out/s
                var row = CliRun.Row(refresh, server.HostPort);
                Assert.Equal("up", row[1]);
                double gets = Number(row[4]), sets = Number(row[5]), hits = Number(row[6]), misses = Number(row[7]);
                Assert.True(gets > 0 && sets > 0 && hits > 0 && misses > 0, string.Join(' ', row));
                // Two gets per set, half of them hits: the rates keep the traffic's proportions.
                Assert.InRange(gets / sets, 1.5, 2.5);
                Assert.InRange(hits / (hits + misses), 0.4, 0.6);
                Assert.Equal("0", row[9]);
                Assert.EndsWith("/s", row[11], StringComparison.Ordinal);
            }
            var down = CliRun.Row(refresh, $"127.0.0.1:{closed}");
            Assert.Equal(["down", "-", "-"], down[1..4]);
            Assert.Contains($"127.0.0.1:{closed} down: Connection refused\n", refresh, StringComparison.Ordinal);
            var total = CliRun.Row(refresh, "total");
            Assert.Equal(["total", "2/3", "up"], total[..3]);
        }
    }

    [Fact]
    public async Task When_no_server_answers_top_still_shows_them_and_exits_69()
    {
        int closed = CliRun.ClosedPort();
        var (exit, output, _) = await CliRun.RunAsync("top", "--servers", $"127.0.0.1:{closed}", "--interval", "100ms", "--iterations", "1");
        Assert.Equal(69, exit);
        Assert.Contains($"127.0.0.1:{closed} down: Connection refused", output, StringComparison.Ordinal);
        Assert.Equal(["total", "0/1", "up"], CliRun.Row(output, "total")[..3]);
    }

    private static double Number(string cell) => double.Parse(cell, NumberStyles.Number, CultureInfo.InvariantCulture);
}
