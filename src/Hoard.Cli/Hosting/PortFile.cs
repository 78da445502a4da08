using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Cli.Hosting;

/// <summary>
/// memcached's <c>MEMCACHED_PORT_FILENAME</c>: after binding, the bound ports are written to that file,
/// one line per listening socket (<c>TCP INET: 12345</c>, <c>TCP INET6: 12345</c>, <c>UDP INET: 12346</c>),
/// TCP first. Tests and scripts start the server on port 0 and read the real port from it.
/// </summary>
internal static class PortFile
{
    public const string EnvironmentVariable = "MEMCACHED_PORT_FILENAME";

    /// <summary>The file's text for these endpoints; endpoints that are not IP (unix sockets) are left out.</summary>
    public static string Format(IEnumerable<EndPoint> tcp, IEnumerable<EndPoint> udp)
    {
        ArgumentNullException.ThrowIfNull(tcp);
        ArgumentNullException.ThrowIfNull(udp);
        var text = new StringBuilder();
        AppendLines(text, "TCP", tcp);
        AppendLines(text, "UDP", udp);
        return text.ToString();
    }

    /// <summary>
    /// Writes the file the way memcached does: into <c>FILE.lck</c>, then renamed over <c>FILE</c>, so a
    /// reader never sees half of it.
    /// </summary>
    public static void Write(string path, IEnumerable<EndPoint> tcp, IEnumerable<EndPoint> udp)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".lck";
        File.WriteAllText(temporary, Format(tcp, udp), Encoding.ASCII);
        File.Move(temporary, path, overwrite: true);
    }

    private static void AppendLines(StringBuilder text, string transport, IEnumerable<EndPoint> endPoints)
    {
        foreach (var endPoint in endPoints)
        {
            if (endPoint is not IPEndPoint ip) continue;
            // A dual-mode socket bound to an IPv4 address reports it IPv4-mapped; memcached would call it INET.
            var isV6 = ip.AddressFamily == AddressFamily.InterNetworkV6 && !ip.Address.IsIPv4MappedToIPv6;
            var family = isV6 ? "INET6" : "INET";
            text.Append(CultureInfo.InvariantCulture, $"{transport} {family}: {ip.Port}\n");
        }
    }
}
