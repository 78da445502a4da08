using System.Globalization;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// One line of the router's <c>stats servers</c>:
/// <c>STAT 10.251.0.11:11211 state=up for=2s avg_latency_us=180 in_flight=0 requests=812 errors=0 tko_count=0 delete_log=0</c>.
/// </summary>
public sealed record UpstreamStatus(string Server, bool IsUp, long Requests, long Errors, long TkoCount, long DeleteLog)
{
    /// <summary>Parses the value part of the line (after the server name); a missing or malformed field is a <see cref="FormatException"/>.</summary>
    public static UpstreamStatus Parse(string server, string value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new FormatException($"stats servers line for {server}: '{pair}' is not name=value in '{value}'");
            fields[pair[..equals]] = pair[(equals + 1)..];
        }
        string Field(string name) => fields.TryGetValue(name, out var v)
            ? v
            : throw new FormatException($"stats servers line for {server} has no {name}=: '{value}'");
        long Number(string name) => long.TryParse(Field(name), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"stats servers line for {server}: {name}={Field(name)} is not a count");
        bool up = Field("state") switch
        {
            "up" => true,
            "tko" => false,
            var other => throw new FormatException($"stats servers line for {server}: state={other} is neither up nor tko"),
        };
        return new UpstreamStatus(server, up, Number("requests"), Number("errors"), Number("tko_count"), Number("delete_log"));
    }

    public override string ToString() =>
        $"{Server} {(IsUp ? "up" : "tko")} requests={Requests} errors={Errors} tko_count={TkoCount} delete_log={DeleteLog}";
}
