using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hoard.Client.Distribution;

/// <summary>
/// One memcached server as the key-distribution schemes see it: the host exactly as configured (a name or an
/// address; clients hash the text they were given, so <c>cache1</c> and its address are different servers to
/// them), a port and a relative weight.
/// </summary>
public sealed record ServerEndPoint
{
    /// <summary>memcached's default port; libmemcached-style ketama leaves it out of the server's name.</summary>
    public const int DefaultPort = 11211;

    /// <summary>Largest accepted weight: far more than any real ratio, small enough that point counts cannot overflow.</summary>
    public const int MaxWeight = 1_000_000;

    public ServerEndPoint(string host, int port = DefaultPort, int weight = 1)
    {
        ArgumentNullException.ThrowIfNull(host);
        var problem = CheckHost(host) ?? CheckPort(port) ?? CheckWeight(weight);
        if (problem is not null)
            throw new ArgumentException(problem, nameof(host));
        Host = host;
        Port = port;
        Weight = weight;
        IsIPv6 = host.Contains(':', StringComparison.Ordinal);
        HostPort = IsIPv6
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
    }

    /// <summary>Host name or address as configured; an IPv6 address without its brackets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>Relative share of the keys (1 unless configured); how each scheme applies it is its own.</summary>
    public int Weight { get; }

    /// <summary>True when <see cref="Host"/> is an IPv6 address.</summary>
    public bool IsIPv6 { get; }

    /// <summary><c>host:port</c>, or <c>[v6]:port</c>: what an operator types to reach the server.</summary>
    public string HostPort { get; }

    /// <summary>Parses <c>host:port[:weight]</c>, <c>[v6addr]:port[:weight]</c>, or a bare <c>host</c> / <c>[v6addr]</c> (port 11211).</summary>
    /// <exception cref="FormatException">The text is not a server, with the reason.</exception>
    public static ServerEndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var endPoint, out var error) ? endPoint : throw new FormatException(error);
    }

    /// <summary>Parses like <see cref="Parse"/>; on failure <paramref name="error"/> says what is wrong with <paramref name="text"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ServerEndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty server; the form is HOST:PORT[:WEIGHT] or [IPV6]:PORT[:WEIGHT]";
            return false;
        }

        if (text.Contains("://", StringComparison.Ordinal))
            return Fail(text, "a URL is not a server", out error);

        string host;
        string? rest; // what follows the host: null, or "port" / "port:weight"
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return Fail(text, "missing ']' after the IPv6 address", out error);
            host = text[1..close];
            if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6 || host.Contains('%', StringComparison.Ordinal))
                return Fail(text, $"'{host}' is not an IPv6 address", out error);
            if (close == text.Length - 1)
            {
                rest = null;
            }
            else if (text[close + 1] == ':')
            {
                rest = text[(close + 2)..];
            }
            else
            {
                return Fail(text, "expected ':PORT' after ']'", out error);
            }
        }
        else
        {
            // host:port:weight has at most two colons; more (or "::") can only be a bare IPv6 address.
            if (text.AsSpan().Count(':') > 2 || text.Contains("::", StringComparison.Ordinal))
            {
                return LooksLikeIPv6(text)
                    ? Fail(text, "an IPv6 address needs brackets, as in [::1]:11211", out error)
                    : Fail(text, "too many ':'", out error);
            }
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            rest = colon < 0 ? null : text[(colon + 1)..];
        }

        var hostProblem = CheckHost(host);
        if (hostProblem is not null)
            return Fail(text, hostProblem, out error);

        var port = DefaultPort;
        var weight = 1;
        if (rest is not null)
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            var portText = colon < 0 ? rest : rest[..colon];
            if (!TryParseNumber(portText, out port) || CheckPort(port) is not null)
                return Fail(text, $"port '{portText}' is not a number 1-65535", out error);
            if (colon >= 0)
            {
                var weightText = rest[(colon + 1)..];
                if (!TryParseNumber(weightText, out weight) || CheckWeight(weight) is not null)
                    return Fail(text, $"weight '{weightText}' is not a whole number 1-{MaxWeight}", out error);
            }
        }

        endPoint = new ServerEndPoint(host, port, weight);
        error = null;
        return true;
    }

    /// <summary>Parses a comma-separated list (<c>a:11211,b:11211:2</c>), the form of <c>--servers</c>.</summary>
    /// <exception cref="FormatException">An entry is not a server, or the list is empty.</exception>
    public static IReadOnlyList<ServerEndPoint> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<ServerEndPoint>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
                throw new FormatException($"empty entry in server list '{text}'");
            list.Add(Parse(part));
        }
        return list;
    }

    /// <summary><see cref="HostPort"/>, without the weight: the form <c>hoard locate</c> prints.</summary>
    public override string ToString() => HostPort;

    private static bool Fail(string text, string reason, out string error)
    {
        error = $"invalid server '{text}': {reason}; the form is HOST:PORT[:WEIGHT] or [IPV6]:PORT[:WEIGHT]";
        return false;
    }

    private static bool LooksLikeIPv6(string text)
    {
        if (text.Contains("::", StringComparison.Ordinal))
            return true;
        var lastColon = text.LastIndexOf(':');
        return IPAddress.TryParse(text, out var whole) && whole.AddressFamily == AddressFamily.InterNetworkV6 ||
            IPAddress.TryParse(text[..lastColon], out var head) && head.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryParseNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string? CheckHost(string host)
    {
        if (host.Length == 0)
            return "empty host";
        if (host.Length > 255)
            return "host longer than 255 characters";
        if (host.Contains('[', StringComparison.Ordinal) || host.Contains(']', StringComparison.Ordinal))
            return $"'{host}': give an IPv6 host without brackets";
        if (host.Contains(':', StringComparison.Ordinal))
        {
            // Only an IPv6 address may contain ':' (the constructor takes it without brackets).
            return IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 && !host.Contains('%', StringComparison.Ordinal)
                ? null
                : $"'{host}' is not a host name or address";
        }
        foreach (var c in host)
        {
            // Host names and IPv4 addresses: letters, digits, '-', '.', '_' (seen in container and SRV names).
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
                return $"'{host}' is not a host name or address (character '{c}')";
        }
        return null;
    }

    private static string? CheckPort(int port) => port is >= 1 and <= 65535 ? null : $"port {port} is not 1-65535";

    private static string? CheckWeight(int weight) =>
        weight is >= 1 and <= MaxWeight ? null : $"weight {weight} is not 1-{MaxWeight}";
}
