using System.Globalization;
using Hoard.Router.Requests;
using Hoard.Router.Upstream;

namespace Hoard.Router.Stats;

/// <summary>The router's figures as name/value pairs: one source for <c>stats</c> and the Prometheus endpoint.</summary>
internal static class StatsReport
{
    public static List<(string Name, string Value)> General(RouterCore core)
    {
        var s = core.Statistics;
        var servers = core.Registry.Servers;
        var table = core.Table;
        var list = new List<(string, string)>
        {
            ("pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
            ("uptime", ((long)s.Uptime.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            ("time", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("version", core.Version),
            ("curr_connections", N(s.CurrentConnections)),
            ("total_connections", N(s.TotalConnections)),
            ("rejected_connections", N(s.RejectedConnections)),
            ("cmd_in", N(s.CommandsIn)),
            ("cmd_get", N(s.Commands(RouterOperation.Get) + s.Commands(RouterOperation.Gets) + s.Commands(RouterOperation.Gat) + s.Commands(RouterOperation.Gats) + s.Commands(RouterOperation.MetaGet))),
            ("cmd_set", N(s.Commands(RouterOperation.Set) + s.Commands(RouterOperation.Add) + s.Commands(RouterOperation.Replace) + s.Commands(RouterOperation.Append) + s.Commands(RouterOperation.Prepend) + s.Commands(RouterOperation.Cas) + s.Commands(RouterOperation.MetaSet))),
            ("cmd_delete", N(s.Commands(RouterOperation.Delete) + s.Commands(RouterOperation.MetaDelete))),
            ("cmd_touch", N(s.Commands(RouterOperation.Touch))),
            ("cmd_arithmetic", N(s.Commands(RouterOperation.Incr) + s.Commands(RouterOperation.Decr) + s.Commands(RouterOperation.MetaArithmetic))),
            ("get_hits", N(s.GetHits)),
            ("get_misses", N(s.GetMisses)),
            ("requests_out", N(s.RequestsOut)),
            ("upstream_errors", N(servers.Sum(x => x.Errors))),
            ("error_replies", N(s.ErrorReplies)),
            ("async_errors", N(s.AsyncErrors)),
            ("failovers", N(s.Failovers)),
            ("warmup_fills", N(s.WarmUpFills)),
            ("servers", N(servers.Count)),
            ("servers_up", N(servers.Count(x => x.State == UpstreamState.Up))),
            ("servers_tko", N(servers.Count(x => x.State == UpstreamState.Tko))),
            ("pools", N(table.Pools.Count)),
            ("config_age", ((long)(DateTimeOffset.UtcNow - table.LoadedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            ("config_reloads", N(core.Reloads)),
            ("config_reload_errors", N(core.ReloadErrors)),
            ("config_last_error", core.LastReloadError is { } e ? Clean(e) : "none"),
            ("delete_log_depth", N(core.DeleteLog?.Depth ?? 0)),
            ("delete_log", core.DeleteLog is null ? "off" : "on"),
        };
        return list;
    }

    public static List<(string Name, string Value)> Servers(RouterCore core) =>
        [.. core.Registry.Servers.OrderBy(x => x.Name, StringComparer.Ordinal).Select(x => (x.Name,
            string.Create(CultureInfo.InvariantCulture,
                $"state={(x.State == UpstreamState.Up ? "up" : "tko")} for={(long)x.InStateFor.TotalSeconds}s avg_latency_us={x.AverageLatencyMicros} in_flight={x.InFlight} requests={x.Requests} errors={x.Errors} tko_count={x.TkoCount} delete_log={core.DeleteLog?.PendingFor(x.Name).Count ?? 0}")))];

    public static List<(string Name, string Value)> Routes(RouterCore core) =>
        [.. core.Statistics.FailoversByRoute.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ("failovers:" + Clean(p.Key), N(p.Value)))];

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Clean(string text) => text.Replace(' ', '_').Replace('\r', '_').Replace('\n', '_');
}
