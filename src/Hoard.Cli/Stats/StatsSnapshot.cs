using System.Globalization;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Stats;

/// <summary>
/// One server's <c>stats</c> reply at one moment, or why there is none (the server is down). Figures a server
/// does not report (a router reports other ones than memcached) read as null, never as zero.
/// </summary>
internal sealed class StatsSnapshot
{
    private StatsSnapshot(ServerEndPoint server, long timestamp, IReadOnlyDictionary<string, string>? values, string? error)
    {
        Server = server;
        Timestamp = timestamp;
        Values = values;
        Error = error;
    }

    public ServerEndPoint Server { get; }

    /// <summary>When the reply came (<see cref="System.Diagnostics.Stopwatch"/> ticks): rates divide by the time between replies.</summary>
    public long Timestamp { get; }

    /// <summary>The name/value pairs of the reply; null when the server did not answer.</summary>
    public IReadOnlyDictionary<string, string>? Values { get; }

    /// <summary>Why the server did not answer (connection refused, timeout); null when it did.</summary>
    public string? Error { get; }

    public bool IsUp => Values is not null;

    public static StatsSnapshot Up(ServerEndPoint server, long timestamp, IReadOnlyDictionary<string, string> values) =>
        new(server, timestamp, values, null);

    public static StatsSnapshot Down(ServerEndPoint server, long timestamp, string error) =>
        new(server, timestamp, null, error);

    public long? Number(string name) =>
        Values is not null && Values.TryGetValue(name, out var text) &&
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    public string? Text(string name) => Values is not null && Values.TryGetValue(name, out var text) ? text : null;

    public long? Pid => Number("pid");
    public long? UptimeSeconds => Number("uptime");
    public string? Version => Text("version");
    public long? CurrentConnections => Number("curr_connections");
    public long? CurrentItems => Number("curr_items");
    public long? Bytes => Number("bytes");
    public long? LimitMaxBytes => Number("limit_maxbytes");
    public long? GetHits => Number("get_hits");
    public long? GetMisses => Number("get_misses");
    public long? CmdGet => Number("cmd_get");
    public long? CmdSet => Number("cmd_set");
    public long? Evictions => Number("evictions");
    public long? BytesRead => Number("bytes_read");
    public long? BytesWritten => Number("bytes_written");

    /// <summary>get_hits / (get_hits + get_misses) since the server started; null before the first get.</summary>
    public double? HitRatio => Ratio(GetHits, GetMisses);

    /// <summary>
    /// Requests that read or change items: gets, stores (cas counts as a set, as in memcached), deletes,
    /// incr/decr, touches and flushes. Null when the server reports none of the counters.
    /// </summary>
    public long? Operations
    {
        get
        {
            long? sum = null;
            foreach (var name in OperationCounters)
            {
                if (Number(name) is { } value)
                    sum = (sum ?? 0) + value;
            }
            return sum;
        }
    }

    internal static double? Ratio(long? hits, long? misses) =>
        hits is { } h && misses is { } m && h + m > 0 ? (double)h / (h + m) : null;

    private static readonly string[] OperationCounters =
    [
        "cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "delete_hits", "delete_misses",
        "incr_hits", "incr_misses", "decr_hits", "decr_misses",
    ];
}
