using System.Diagnostics;

namespace Hoard.Cli.Stats;

/// <summary>
/// Per-second rates of a server's counters between two of its snapshots. A rate is null when either snapshot
/// lacks the counter, or when the counter went down (the server restarted in between: its counters began
/// again at zero, and a difference across the restart would be meaningless).
/// </summary>
internal sealed record StatsRates(
    double Seconds,
    double? Gets,
    double? Sets,
    double? Hits,
    double? Misses,
    double? Evictions,
    double? BytesIn,
    double? BytesOut,
    double? Operations)
{
    /// <summary>Hits among the gets of the interval; null when there were none.</summary>
    public double? HitRatio => Hits is { } h && Misses is { } m && h + m > 0 ? h / (h + m) : null;

    /// <summary>The rates from <paramref name="before"/> to <paramref name="after"/>; null unless both are up and time passed.</summary>
    public static StatsRates? Between(StatsSnapshot? before, StatsSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null || !before.IsUp || !after.IsUp)
            return null;
        double seconds = (after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency;
        if (seconds <= 0)
            return null;
        // A lower uptime means a new process on the same port.
        if (after.UptimeSeconds < before.UptimeSeconds || after.Pid != before.Pid)
            return null;

        double? Rate(long? first, long? second) =>
            first is { } a && second is { } b && b >= a ? (b - a) / seconds : null;

        return new StatsRates(
            seconds,
            Rate(before.CmdGet, after.CmdGet),
            Rate(before.CmdSet, after.CmdSet),
            Rate(before.GetHits, after.GetHits),
            Rate(before.GetMisses, after.GetMisses),
            Rate(before.Evictions, after.Evictions),
            Rate(before.BytesRead, after.BytesRead),
            Rate(before.BytesWritten, after.BytesWritten),
            Rate(before.Operations, after.Operations));
    }

    /// <summary>The sum of several servers' rates (the total row); a rate is null only when no server has it.</summary>
    public static StatsRates? Sum(IEnumerable<StatsRates?> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var present = rates.OfType<StatsRates>().ToList();
        if (present.Count == 0)
            return null;

        double? Total(Func<StatsRates, double?> pick)
        {
            double? sum = null;
            foreach (var rate in present)
            {
                if (pick(rate) is { } value)
                    sum = (sum ?? 0) + value;
            }
            return sum;
        }

        return new StatsRates(
            present.Max(r => r.Seconds),
            Total(r => r.Gets), Total(r => r.Sets), Total(r => r.Hits), Total(r => r.Misses),
            Total(r => r.Evictions), Total(r => r.BytesIn), Total(r => r.BytesOut), Total(r => r.Operations));
    }
}
