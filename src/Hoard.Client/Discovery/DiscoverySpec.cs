using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>Which source a <see cref="DiscoverySpec"/> names.</summary>
public enum DiscoveryKind
{
    /// <summary>A fixed <c>host:port,host:port</c> list.</summary>
    Static,

    /// <summary><c>dns://NAME[:PORT]</c>: the name's A/AAAA records.</summary>
    Dns,

    /// <summary><c>srv://_memcache._tcp.NAME</c>: SRV records.</summary>
    Srv,

    /// <summary><c>file:///PATH</c>: a watched server file.</summary>
    File,

    /// <summary><c>config://HOST[:PORT]</c>: an ElastiCache / Memorystore cluster-configuration endpoint.</summary>
    ClusterConfig,
}

/// <summary>
/// A discovery source written as one string, for configuration files and the command line:
/// <c>cache1:11211,cache2:11211</c> (a static list), <c>dns://NAME[:PORT]</c>, <c>srv://_memcache._tcp.NAME</c>,
/// <c>file:///PATH</c>, <c>config://HOST[:PORT]</c>, each dynamic one with optional parameters
/// <c>?interval=5s&amp;timeout=2s&amp;nameserver=127.0.0.1:5353</c> (<c>nameserver</c> for dns and srv only).
/// Durations are a number with <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (a bare number is seconds).
/// <see cref="ToString"/> prints the spec back in that form.
/// </summary>
public sealed record DiscoverySpec
{
    private const string Forms = "HOST:PORT[,HOST:PORT...], dns://NAME[:PORT], srv://_SERVICE._tcp.NAME, file:///PATH or config://HOST[:PORT], optionally followed by ?interval=5s&timeout=2s&nameserver=IP[:PORT]";

    private DiscoverySpec(DiscoveryKind kind, string target)
    {
        Kind = kind;
        Target = target;
    }

    public DiscoveryKind Kind { get; }

    /// <summary>The host name (dns, config), SRV name (srv), full path (file) or the list as written (static).</summary>
    public string Target { get; }

    /// <summary>The servers' port (dns) or the endpoint's port (config); 11211 unless given.</summary>
    public int Port { get; private init; } = ServerEndPoint.DefaultPort;

    /// <summary>The servers of a static list.</summary>
    public IReadOnlyList<ServerEndPoint> Servers { get; private init; } = [];

    /// <summary>Time between lookups; null for the source's default.</summary>
    public TimeSpan? Interval { get; private init; }

    /// <summary>Time one lookup may take; null for the source's default.</summary>
    public TimeSpan? Timeout { get; private init; }

    /// <summary>The DNS server to ask (dns, srv); null for the system's.</summary>
    public IPEndPoint? NameServer { get; private init; }

    /// <summary>Parses a spec.</summary>
    /// <exception cref="FormatException">The text is not a discovery spec; the message says what is wrong and shows the forms.</exception>
    public static DiscoverySpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var spec, out var error) ? spec : throw new FormatException(error);
    }

    /// <summary>Parses like <see cref="Parse"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DiscoverySpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return Fail("(empty)", "empty discovery spec", out error);

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            if (text.Contains('?', StringComparison.Ordinal))
                return Fail(text, "a static server list takes no parameters", out error);
            try
            {
                var servers = ServerEndPoint.ParseList(text);
                spec = new DiscoverySpec(DiscoveryKind.Static, text) { Servers = servers };
                error = null;
                return true;
            }
            catch (FormatException exception)
            {
                return Fail(text, exception.Message, out error);
            }
        }

        var scheme = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var body = question < 0 ? rest : rest[..question];
        var query = question < 0 ? null : rest[(question + 1)..];

        DiscoverySpec parsed;
        switch (scheme.ToLowerInvariant())
        {
            case "dns":
            {
                if (!TryHostPort(body, out var host, out var port, out var problem))
                    return Fail(text, problem, out error);
                parsed = new DiscoverySpec(DiscoveryKind.Dns, host) { Port = port };
                break;
            }
            case "srv":
            {
                if (body.Length == 0 || body.Contains(':', StringComparison.Ordinal) || body.Contains('/', StringComparison.Ordinal) || !IsHostName(body))
                    return Fail(text, $"'{body}' is not an SRV name such as _memcache._tcp.mycache (the port comes from the records)", out error);
                parsed = new DiscoverySpec(DiscoveryKind.Srv, body);
                break;
            }
            case "file":
            {
                // file:///etc/hoard/servers (an absolute path) or file://relative/path (kept relative to the working directory).
                if (body.Length == 0)
                    return Fail(text, "no path after file://", out error);
                parsed = new DiscoverySpec(DiscoveryKind.File, Path.GetFullPath(body));
                break;
            }
            case "config":
            {
                if (!TryHostPort(body, out var host, out var port, out var problem))
                    return Fail(text, problem, out error);
                parsed = new DiscoverySpec(DiscoveryKind.ClusterConfig, host) { Port = port };
                break;
            }
            default:
                return Fail(text, $"unknown scheme '{scheme}://'", out error);
        }

        if (query is not null && !TryParameters(parsed, query, out parsed, out var parameterProblem))
            return Fail(text, parameterProblem, out error);
        spec = parsed;
        error = null;
        return true;
    }

    /// <summary>A new, not yet started, discovery source for this spec.</summary>
    public IServerDiscovery CreateDiscovery() => Kind switch
    {
        DiscoveryKind.Static => new StaticServerDiscovery(Servers),
        DiscoveryKind.Dns => new DnsServerDiscovery(Target, Port, Interval, NameServer, Timeout),
        DiscoveryKind.Srv => new SrvServerDiscovery(Target, Interval, NameServer, Timeout),
        DiscoveryKind.File => new FileServerDiscovery(Target, Interval),
        _ => new ClusterConfigDiscovery(Target, Port, Interval, Timeout),
    };

    /// <summary>The spec in the form <see cref="Parse"/> reads.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        switch (Kind)
        {
            case DiscoveryKind.Static:
                return string.Join(',', Servers.Select(s => s.Weight == 1 ? s.HostPort : string.Create(CultureInfo.InvariantCulture, $"{s.HostPort}:{s.Weight}")));
            case DiscoveryKind.Dns:
                builder.Append("dns://").Append(HostPort(Target, Port));
                break;
            case DiscoveryKind.Srv:
                builder.Append("srv://").Append(Target);
                break;
            case DiscoveryKind.File:
                builder.Append("file://").Append(Target);
                break;
            default:
                builder.Append("config://").Append(HostPort(Target, Port));
                break;
        }
        var parameters = new List<string>();
        if (Interval is { } interval)
            parameters.Add("interval=" + FormatDuration(interval));
        if (Timeout is { } timeout)
            parameters.Add("timeout=" + FormatDuration(timeout));
        if (NameServer is { } nameServer)
            parameters.Add("nameserver=" + nameServer);
        if (parameters.Count > 0)
            builder.Append('?').AppendJoin('&', parameters);
        return builder.ToString();
    }

    /// <summary>Parses <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or a bare number of seconds; must be positive.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return false;
        var seconds = value * unit;
        if (seconds <= 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
            return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms");

    private static string HostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");

    private static bool TryParameters(DiscoverySpec spec, string query, out DiscoverySpec result, [NotNullWhen(false)] out string? problem)
    {
        result = spec;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"parameter '{pair}' is not NAME=VALUE";
                return false;
            }
            var name = pair[..equals].ToLowerInvariant();
            var value = pair[(equals + 1)..];
            if (!seen.Add(name))
            {
                problem = $"parameter '{name}' given twice";
                return false;
            }
            switch (name)
            {
                case "interval" when spec.Kind != DiscoveryKind.Static:
                    if (!TryParseDuration(value, out var interval))
                    {
                        problem = $"interval '{value}' is not a positive duration such as 500ms, 5s, 2m";
                        return false;
                    }
                    result = result with { Interval = interval };
                    break;
                case "timeout" when spec.Kind is DiscoveryKind.Dns or DiscoveryKind.Srv or DiscoveryKind.ClusterConfig:
                    if (!TryParseDuration(value, out var timeout))
                    {
                        problem = $"timeout '{value}' is not a positive duration such as 500ms, 2s";
                        return false;
                    }
                    result = result with { Timeout = timeout };
                    break;
                case "nameserver" when spec.Kind is DiscoveryKind.Dns or DiscoveryKind.Srv:
                    if (!TryNameServer(value, out var nameServer))
                    {
                        problem = $"nameserver '{value}' is not IP[:PORT] (an address, not a name: it is what resolves names)";
                        return false;
                    }
                    result = result with { NameServer = nameServer };
                    break;
                default:
                    problem = $"parameter '{name}' is not known for {spec.Kind.ToString().ToLowerInvariant()} discovery (known: {KnownParameters(spec.Kind)})";
                    return false;
            }
        }
        problem = null;
        return true;
    }

    private static string KnownParameters(DiscoveryKind kind) => kind switch
    {
        DiscoveryKind.Dns or DiscoveryKind.Srv => "interval, timeout, nameserver",
        DiscoveryKind.ClusterConfig => "interval, timeout",
        _ => "interval",
    };

    private static bool TryNameServer(string text, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (IPAddress.TryParse(text, out var bare) && !text.Contains(']', StringComparison.Ordinal))
        {
            // An IPv4 address alone, or an IPv6 address without brackets: port 53.
            endPoint = new IPEndPoint(bare, 53);
            return true;
        }
        if (!IPEndPoint.TryParse(text, out var parsed) || !(text.Contains(':', StringComparison.Ordinal)))
            return false;
        if (parsed.Port == 0)
            return false;
        endPoint = parsed;
        return true;
    }

    private static bool TryHostPort(string text, [NotNullWhen(true)] out string? host, out int port, [NotNullWhen(false)] out string? problem)
    {
        host = null;
        port = ServerEndPoint.DefaultPort;
        if (text.Length == 0)
        {
            problem = "no host";
            return false;
        }
        if (text.Contains('/', StringComparison.Ordinal) || text.Contains(',', StringComparison.Ordinal))
        {
            problem = $"'{text}' is not HOST[:PORT]";
            return false;
        }
        if (!ServerEndPoint.TryParse(text, out var server, out var error) || server.Weight != 1 || (text.AsSpan().Count(':') > (server.IsIPv6 ? 1 + server.Host.AsSpan().Count(':') : 1)))
        {
            problem = error ?? $"'{text}' is not HOST[:PORT]";
            return false;
        }
        host = server.Host;
        port = server.Port;
        problem = null;
        return true;
    }

    private static bool IsHostName(string text) => text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    private static bool Fail(string text, string reason, out string error)
    {
        error = $"invalid discovery spec '{text}': {reason}. The forms are {Forms}";
        return false;
    }
}
