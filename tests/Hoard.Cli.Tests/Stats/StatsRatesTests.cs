using System.Diagnostics;
using System.Globalization;
using Hoard.Cli.Stats;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Tests.Stats;

public sealed class StatsRatesTests
{
    private static readonly ServerEndPoint Server = new("127.0.0.1", 11211);

    private static StatsSnapshot Snapshot(double atSeconds, params (string Name, long Value)[] values) =>
        StatsSnapshot.Up(Server, (long)(atSeconds * Stopwatch.Frequency),
            values.ToDictionary(v => v.Name, v => v.Value.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void Rates_are_counter_differences_per_second()
    {
        var before = Snapshot(10, ("pid", 7), ("uptime", 100), ("cmd_get", 100), ("cmd_set", 10), ("get_hits", 80), ("get_misses", 20),
            ("evictions", 0), ("bytes_read", 1000), ("bytes_written", 5000), ("delete_hits", 1));
        var after = Snapshot(12, ("pid", 7), ("uptime", 102), ("cmd_get", 300), ("cmd_set", 30), ("get_hits", 230), ("get_misses", 70),
            ("evictions", 4), ("bytes_read", 3000), ("bytes_written", 9000), ("delete_hits", 3));

        var rates = StatsRates.Between(before, after);

        Assert.NotNull(rates);
        Assert.Equal(2, rates.Seconds, 6);
        Assert.Equal(100, rates.Gets);
        Assert.Equal(10, rates.Sets);
        Assert.Equal(75, rates.Hits);
        Assert.Equal(25, rates.Misses);
        Assert.Equal(2, rates.Evictions);
        Assert.Equal(1000, rates.BytesIn);
        Assert.Equal(2000, rates.BytesOut);
        Assert.Equal(111, rates.Operations); // gets + sets + deletes
        Assert.Equal(0.75, rates.HitRatio!.Value, 6);
    }

    [Fact]
    public void A_restarted_server_has_no_rates_rather_than_negative_ones()
    {
        var before = Snapshot(10, ("pid", 7), ("uptime", 500), ("cmd_get", 1000));
        var after = Snapshot(11, ("pid", 8), ("uptime", 1), ("cmd_get", 3));
        Assert.Null(StatsRates.Between(before, after));
    }

    [Fact]
    public void A_counter_the_server_does_not_report_has_no_rate()
    {
        var before = Snapshot(10, ("cmd_get", 1));
        var after = Snapshot(11, ("cmd_get", 5));
        var rates = StatsRates.Between(before, after)!;
        Assert.Equal(4, rates.Gets);
        Assert.Null(rates.Evictions);
        Assert.Null(rates.HitRatio);
    }

    [Fact]
    public void A_down_server_or_a_first_sample_has_no_rates()
    {
        var up = Snapshot(10, ("cmd_get", 1));
        var down = StatsSnapshot.Down(Server, Stopwatch.Frequency * 11, "Connection refused");
        Assert.Null(StatsRates.Between(null, up));
        Assert.Null(StatsRates.Between(up, down));
        Assert.Null(StatsRates.Between(down, up));
    }

    [Fact]
    public void The_total_adds_the_servers_that_have_rates()
    {
        var a = new StatsRates(1, 10, 1, 8, 2, 0, 100, 200, 11);
        var b = new StatsRates(1, 30, 3, 12, 18, null, 300, 400, 33);
        var total = StatsRates.Sum([a, null, b])!;
        Assert.Equal(40, total.Gets);
        Assert.Equal(20, total.Hits);
        Assert.Equal(0, total.Evictions);
        Assert.Equal(0.5, total.HitRatio!.Value, 6);
        Assert.Null(StatsRates.Sum([null, null]));
    }
}
