using System.Globalization;
using Hoard.Cli.Stats;
using Spectre.Console;

namespace Hoard.Cli.Cluster;

/// <summary>The status table of <c>hoard cluster up</c>: one row per child, its process state and its figures.</summary>
internal static class ClusterTable
{
    public static Table Build(
        IReadOnlyList<ClusterMember> members, IReadOnlyList<StatsSnapshot?> snapshots, IReadOnlyList<StatsRates?> rates, StatusConsole console)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Border(console.Border);
        table.AddColumn("node");
        table.AddColumn(new TableColumn("port").RightAligned());
        table.AddColumn(new TableColumn("pid").RightAligned());
        table.AddColumn("state");
        table.AddColumn(new TableColumn("items").RightAligned());
        table.AddColumn(new TableColumn("hit ratio").RightAligned());
        table.AddColumn(new TableColumn("ops/s").RightAligned());
        table.AddColumn(new TableColumn("memory").RightAligned());

        for (int i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var snapshot = snapshots[i];
            bool answering = member.State == MemberState.Running && snapshot is { IsUp: true };
            string Figure(Func<StatsSnapshot, string> pick) => answering ? Markup.Escape(pick(snapshot!)) : StatsFormat.Missing;
            table.AddRow(
                new Markup(Markup.Escape(member.Name)),
                new Markup(member.EndPoint.Port.ToString(CultureInfo.InvariantCulture)),
                new Markup(member.Pid?.ToString(CultureInfo.InvariantCulture) ?? StatsFormat.Missing),
                State(member, snapshot),
                new Markup(Figure(s => StatsFormat.Count(s.CurrentItems))),
                new Markup(Figure(s => StatsFormat.Ratio(s.HitRatio))),
                new Markup(answering ? StatsFormat.Rate(rates[i]?.Operations) : StatsFormat.Missing),
                new Markup(Figure(s => StatsFormat.Memory(s.Bytes, s.LimitMaxBytes))));
        }
        return table;
    }

    private static Markup State(ClusterMember member, StatsSnapshot? snapshot) => member.State switch
    {
        MemberState.Running when snapshot is { IsUp: true } => new Markup("[green]up[/]"),
        MemberState.Running when snapshot is { Error: { } error } => new Markup($"[yellow]not answering ({Markup.Escape(error)})[/]"),
        MemberState.Running => new Markup("[green]up[/]"),
        MemberState.Starting => new Markup("[yellow]starting[/]"),
        MemberState.Down => new Markup($"[red bold]down ({Markup.Escape(ExitStatus.Describe(member.ExitCode ?? -1))})[/]"),
        MemberState.Stopping => new Markup("[yellow]stopping[/]"),
        _ => new Markup($"stopped ({Markup.Escape(ExitStatus.Describe(member.ExitCode ?? -1))})"),
    };
}
