using Spectre.Console;

namespace Hoard.Cli.Stats;

/// <summary>
/// The table of <c>hoard stats</c>: one column per server, one row per key figure, the figures named as
/// memcached's <c>stats</c> names them (as memcached-tool shows them) so they can be looked up in its docs.
/// </summary>
internal static class StatsTable
{
    public static Table Build(IReadOnlyList<StatsSnapshot> snapshots, StatusConsole console)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Border(console.Border);
        table.AddColumn(new TableColumn("figure"));
        foreach (var snapshot in snapshots)
            table.AddColumn(new TableColumn(Markup.Escape(snapshot.Server.HostPort)).RightAligned());

        void Row(string figure, Func<StatsSnapshot, string> cell) =>
            table.AddRow([new Markup(figure), .. snapshots.Select(s => new Markup(s.IsUp ? Markup.Escape(cell(s)) : StatsFormat.Missing))]);

        table.AddRow([new Markup("state"), .. snapshots.Select(State)]);
        Row("version", s => s.Version ?? StatsFormat.Missing);
        Row("pid", s => s.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? StatsFormat.Missing);
        Row("uptime", s => StatsFormat.Uptime(s.UptimeSeconds));
        Row("curr_connections", s => StatsFormat.Count(s.CurrentConnections));
        Row("curr_items", s => StatsFormat.Count(s.CurrentItems));
        Row("bytes / limit_maxbytes", s => StatsFormat.Memory(s.Bytes, s.LimitMaxBytes));
        Row("get_hits", s => StatsFormat.Count(s.GetHits));
        Row("get_misses", s => StatsFormat.Count(s.GetMisses));
        Row("hit ratio", s => StatsFormat.Ratio(s.HitRatio));
        Row("cmd_get", s => StatsFormat.Count(s.CmdGet));
        Row("cmd_set", s => StatsFormat.Count(s.CmdSet));
        Row("evictions", s => StatsFormat.Count(s.Evictions));
        return table;
    }

    /// <summary>"up" in green, or "down (why)" in red.</summary>
    private static Markup State(StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.IsUp
            ? new Markup("[green]up[/]")
            : new Markup($"[red]down ({Markup.Escape(snapshot.Error ?? "no reply")})[/]");
    }
}
