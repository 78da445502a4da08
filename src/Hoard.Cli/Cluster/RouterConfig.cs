using System.Text;
using System.Text.Json;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Cluster;

/// <summary>
/// The router configuration <c>hoard cluster up --router</c> generates: mcrouter's JSON form, one pool over
/// every node and a <c>PoolRoute</c> to it.
/// </summary>
internal static class RouterConfig
{
    public const string PoolName = "A";

    public static string Json(IReadOnlyList<ServerEndPoint> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("pools");
            json.WriteStartObject(PoolName);
            json.WriteStartArray("servers");
            foreach (var node in nodes)
                json.WriteStringValue(node.HostPort);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("route", "PoolRoute|" + PoolName);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the configuration as <c>router.json</c> in <paramref name="directory"/>; returns its path.</summary>
    public static string Write(string directory, IReadOnlyList<ServerEndPoint> nodes)
    {
        var path = Path.Combine(directory, "router.json");
        File.WriteAllText(path, Json(nodes) + "\n");
        return path;
    }
}
