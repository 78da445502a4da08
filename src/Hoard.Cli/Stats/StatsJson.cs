using System.Text;
using System.Text.Json;

namespace Hoard.Cli.Stats;

/// <summary>
/// <c>hoard stats --json</c>: every server's full <c>stats</c> reply, values as the server sent them
/// (strings: memcached's figures include non-numbers such as version and rusage), plus state and hit ratio.
/// </summary>
internal static class StatsJson
{
    public static string Write(IReadOnlyList<StatsSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("servers");
            foreach (var snapshot in snapshots)
            {
                json.WriteStartObject();
                json.WriteString("server", snapshot.Server.HostPort);
                json.WriteString("state", snapshot.IsUp ? "up" : "down");
                if (snapshot.Error is { } error)
                    json.WriteString("error", error);
                if (snapshot.HitRatio is { } ratio)
                    json.WriteNumber("hit_ratio", Math.Round(ratio, 6));
                if (snapshot.Values is { } values)
                {
                    json.WriteStartObject("stats");
                    foreach (var (name, value) in values)
                        json.WriteString(name, value);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
