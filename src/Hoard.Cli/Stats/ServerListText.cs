using System.Diagnostics.CodeAnalysis;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Stats;

/// <summary>The <c>--servers</c> list of <c>hoard stats</c> and <c>hoard top</c>: HOST:PORT,... with no repeats.</summary>
internal static class ServerListText
{
    public const string Default = "127.0.0.1:11211";

    /// <summary>More would make a table nobody can read, and is more likely a mistake than a fleet.</summary>
    public const int MaxServers = 256;

    public static bool TryParse(string? text, [NotNullWhen(true)] out IReadOnlyList<ServerEndPoint>? servers, [NotNullWhen(false)] out string? error)
    {
        servers = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--servers is empty; give HOST:PORT,...";
            return false;
        }
        IReadOnlyList<ServerEndPoint> parsed;
        try
        {
            parsed = ServerEndPoint.ParseList(text);
        }
        catch (FormatException e)
        {
            error = "--servers: " + e.Message;
            return false;
        }
        if (parsed.Count > MaxServers)
        {
            error = $"--servers: {parsed.Count} servers; at most {MaxServers}";
            return false;
        }
        var repeated = parsed.GroupBy(s => s.HostPort, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            error = $"--servers: {repeated.Key} is listed twice";
            return false;
        }
        servers = parsed;
        error = null;
        return true;
    }
}
