using Hoard.Server;

namespace Hoard.Router;

/// <summary>Settings of a <see cref="HoardRouter"/> (the command line's flags). Defaults follow mcrouter's where it has one.</summary>
public sealed class RouterOptions
{
    /// <summary>The JSON route configuration (mcrouter's format); watched and reloaded when it changes.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>TCP port of the front side (mcrouter's default 5000); 0 picks a free one.</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Addresses to listen on (memcached's <c>-l</c> syntax).</summary>
    public IReadOnlyList<string> ListenAddresses { get; init; } = ["0.0.0.0"];

    /// <summary>
    /// Front threads (<c>-t</c>): with the epoll transport, event loops that each serve their share of the client
    /// connections and of the upstream sockets (mcrouter's proxy threads); with .NET sockets, socket-engine threads.
    /// </summary>
    public int Threads { get; init; } = 4;

    /// <summary>
    /// How sockets are served: <see cref="TransportKind.Epoll"/> event loops where available (Linux x86-64), else
    /// .NET's asynchronous sockets (<see cref="TransportKind.Sockets"/>); the same choice as <c>hoard server</c>'s.
    /// </summary>
    public TransportKind Transport { get; init; } = TransportKind.Auto;

    /// <summary>Pipelined connections per upstream server, shared by every client connection.</summary>
    public int ConnectionsPerServer { get; init; } = 2;

    /// <summary>Time an upstream request may take before it counts as a timeout (mcrouter's <c>--server-timeout</c>).</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failures in a row (timeouts, connection errors) that mark a server down (TKO); mcrouter's <c>--timeouts-until-tko</c>.</summary>
    public int TimeoutsUntilTko { get; init; } = 3;

    /// <summary>First wait before probing a TKO server with <c>version</c>; doubled after each failed probe.</summary>
    public TimeSpan ProbeDelayInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between probes.</summary>
    public TimeSpan ProbeDelayMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Answer a failed get with a miss instead of <c>SERVER_ERROR</c> (mcrouter's default behaviour for gets).</summary>
    public bool GetErrorsAsMisses { get; init; }

    /// <summary><c>flush_all</c> is refused unless enabled: it would wipe every server of every pool.</summary>
    public bool EnableFlushAll { get; init; }

    /// <summary>File of deletes that could not be delivered, replayed when their server is back; null turns the log off.</summary>
    public string? DeleteLogPath { get; init; }

    /// <summary>How often the config file is checked for changes.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Routing prefix for keys without one when the config has <c>routes</c> (mcrouter's <c>--route-prefix</c>).</summary>
    public string? DefaultRoutePrefix { get; init; }

    /// <summary>Port of the Prometheus <c>/metrics</c> endpoint; null for none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Client connections accepted at most (<c>-c</c>).</summary>
    public int MaxConnections { get; init; } = 65536;

    /// <summary>Requests one client connection may have in flight before the router stops reading from it.</summary>
    public int MaxInFlightPerClient { get; init; } = 1024;

    public int Backlog { get; init; } = 1024;

    /// <summary>
    /// Accept keys with control characters, as memcached 1.6 does (protocol.txt forbids them; memcaslap sends
    /// them). The server's <c>-o lenient_keys</c>; off by default.
    /// </summary>
    public bool LenientKeys { get; init; }

    /// <summary>Largest value accepted from a client (memcached's <c>-I</c>); larger ones are refused unread.</summary>
    public int MaxValueLength { get; init; } = 1024 * 1024;

    /// <summary>Problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConfigPath))
            problems.Add("a config file is required (--config FILE)");
        if (Port is < 0 or > 65535)
            problems.Add($"port {Port} is not 0-65535");
        if (Threads is < 1 or > 256)
            problems.Add($"threads {Threads} is not 1-256");
        if (ConnectionsPerServer is < 1 or > 64)
            problems.Add($"connections per server {ConnectionsPerServer} is not 1-64");
        if (ServerTimeout <= TimeSpan.Zero)
            problems.Add("the server timeout must be positive");
        if (TimeoutsUntilTko < 1)
            problems.Add("timeouts until TKO must be at least 1");
        if (ProbeDelayInitial <= TimeSpan.Zero || ProbeDelayMax < ProbeDelayInitial)
            problems.Add("probe delays must be positive, the maximum at least the initial one");
        if (MetricsPort is < 0 or > 65535)
            problems.Add($"metrics port {MetricsPort} is not 0-65535");
        if (MaxConnections < 1)
            problems.Add("max connections must be at least 1");
        return problems;
    }
}
