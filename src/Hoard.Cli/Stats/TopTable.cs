using Spectre.Console;

namespace Hoard.Cli.Stats;

/// <summary>
/// The table of <c>hoard top</c>: one row per server with its request rates over the last interval, and a
/// total row over the servers that answered.
/// </summary>
internal static class TopTable
{
    public static Table Build(IReadOnlyList<StatsSnapshot> snapshots, IReadOnlyList<StatsRates?> rates, StatusConsole console)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Border(console.IsLive ? TableBorder.Simple : TableBorder.None);
        // Live, one space between columns instead of two: twelve columns then fit 120 terminal columns unwrapped.
        // Plain text has no borders, so it keeps the padding that separates its columns.
        TableColumn Column(string heading) => console.IsLive ? new TableColumn(heading).NoWrap().PadRight(0) : new TableColumn(heading).NoWrap();
        table.AddColumn(Column("server"));
        table.AddColumn(Column("state"));
        foreach (var heading in new[] { "conns", "items", "gets/s", "sets/s", "hits/s", "misses/s", "hit %", "evict/s", "in/s", "out/s" })
            table.AddColumn(Column(heading).RightAligned());

        for (int i = 0; i < snapshots.Count; i++)
        {
            var snapshot = snapshots[i];
            var state = snapshot.IsUp ? new Markup("[green]up[/]") : new Markup("[red]down[/]");
            table.AddRow([new Markup(Markup.Escape(snapshot.Server.HostPort)), state, .. Cells(snapshot.IsUp ? snapshot.CurrentConnections : null, snapshot.IsUp ? snapshot.CurrentItems : null, rates[i])]);
        }

        var up = snapshots.Where(s => s.IsUp).ToList();
        table.AddRow([
            new Markup("[bold]total[/]"),
            new Markup($"{up.Count}/{snapshots.Count} up"),
            .. Cells(Sum(up.Select(s => s.CurrentConnections)), Sum(up.Select(s => s.CurrentItems)), StatsRates.Sum(rates)),
        ]);
        return table;
    }

    private static Markup[] Cells(long? connections, long? items, StatsRates? rate) =>
    [
        new(StatsFormat.Count(connections)),
        new(StatsFormat.Count(items)),
        new(StatsFormat.Rate(rate?.Gets)),
        new(StatsFormat.Rate(rate?.Sets)),
        new(StatsFormat.Rate(rate?.Hits)),
        new(StatsFormat.Rate(rate?.Misses)),
        new(StatsFormat.Ratio(rate?.HitRatio)),
        new(StatsFormat.Rate(rate?.Evictions)),
        new(StatsFormat.ByteRate(rate?.BytesIn)),
        new(StatsFormat.ByteRate(rate?.BytesOut)),
    ];

    private static long? Sum(IEnumerable<long?> values)
    {
        long? sum = null;
        foreach (var value in values)
        {
            if (value is { } v)
                sum = (sum ?? 0) + v;
        }
        return sum;
    }
}
