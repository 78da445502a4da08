using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hoard.Client.Diagnostics;

/// <summary>
/// The <c>Hoard.Client</c> meter: hits, misses, errors, ejections and operation durations, for
/// OpenTelemetry or <c>dotnet-counters monitor --counters Hoard.Client</c>.
/// </summary>
internal static class ClientMetrics
{
    public const string MeterName = "Hoard.Client";

    private static readonly Meter Meter = new(MeterName, typeof(ClientMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Hits = Meter.CreateCounter<long>("hoard.client.hits", "{key}", "Keys found by reads");
    private static readonly Counter<long> Misses = Meter.CreateCounter<long>("hoard.client.misses", "{key}", "Keys not found by reads");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("hoard.client.errors", "{operation}", "Operations that failed (connection, timeout, server error)");
    private static readonly Counter<long> Ejections = Meter.CreateCounter<long>("hoard.client.node.ejections", "{ejection}", "Servers taken out of the ring after repeated failures");
    private static readonly Counter<long> NotStored = Meter.CreateCounter<long>("hoard.client.getorcreate.not_stored", "{value}",
        "Values computed by GetOrCreateAsync that were not cached because the item was deleted or rewritten meanwhile");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("hoard.client.operation.duration", "s", "Time from sending a request to its reply");

    public static void Hit(int count = 1)
    {
        if (Hits.Enabled)
            Hits.Add(count);
    }

    public static void Miss(int count = 1)
    {
        if (Misses.Enabled)
            Misses.Add(count);
    }

    /// <summary>A computed value lost its lease (the item changed while it was computed) and was not cached.</summary>
    public static void ComputedNotStored()
    {
        if (NotStored.Enabled)
            NotStored.Add(1);
    }

    public static void Error(string operation)
    {
        if (Errors.Enabled)
            Errors.Add(1, new KeyValuePair<string, object?>("hoard.operation", operation));
    }

    public static void Ejected(string server)
    {
        if (Ejections.Enabled)
            Ejections.Add(1, new KeyValuePair<string, object?>("hoard.server", server));
    }

    public static void Completed(string operation, long startedTimestamp)
    {
        if (Duration.Enabled)
            Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("hoard.operation", operation));
    }
}
