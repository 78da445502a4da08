using System.Globalization;
using System.Net;
using Hoard.Cli.Stats;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Cluster;

/// <summary>What <c>hoard cluster up</c> was asked for, checked before anything is started.</summary>
internal sealed record ClusterSettings
{
    public const int MaxNodes = 64;
    public const int MaxThreads = 64;
    public const int MaxMemoryMegabytes = 1024 * 1024;
    public const int DefaultBasePort = 11211;
    public const int DefaultRouterPort = 5000;

    internal static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    public int Nodes { get; init; } = 3;
    public bool Router { get; init; }
    public int MemoryMegabytes { get; init; } = 64;
    public int BasePort { get; init; } = DefaultBasePort;
    public int? Threads { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int RouterPort { get; init; } = DefaultRouterPort;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node may take to answer <c>version</c> after it was started (a slow, busy machine included).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a child has to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    public IEnumerable<int> NodePorts => Enumerable.Range(BasePort, Nodes);

    /// <summary>
    /// The address to connect to for the listen address: a wildcard listen address (0.0.0.0, ::) is reached on
    /// loopback.
    /// </summary>
    public string ConnectHost => Host switch
    {
        "0.0.0.0" => "127.0.0.1",
        "::" => "::1",
        _ => Host,
    };

    public ServerEndPoint NodeEndPoint(int index) => new(ConnectHost, BasePort + index);

    public ServerEndPoint RouterEndPoint => new(ConnectHost, RouterPort);

    /// <summary>The first thing wrong with the settings, as the line to print; null when they are usable.</summary>
    public string? Problem()
    {
        var inv = CultureInfo.InvariantCulture;
        if (Nodes is < 1 or > MaxNodes)
            return string.Create(inv, $"--nodes {Nodes} is out of range; it must be 1-{MaxNodes}");
        if (MemoryMegabytes is < 1 or > MaxMemoryMegabytes)
            return string.Create(inv, $"--memory {MemoryMegabytes} is out of range; it must be 1-{MaxMemoryMegabytes} (megabytes per node)");
        if (BasePort is < 1 or > 65535)
            return string.Create(inv, $"--base-port {BasePort} is not a port; it must be 1-65535");
        if (BasePort + Nodes - 1 > 65535)
            return string.Create(inv, $"--base-port {BasePort} with --nodes {Nodes} needs ports up to {BasePort + Nodes - 1}; ports end at 65535");
        if (Threads is { } threads and (< 1 or > MaxThreads))
            return string.Create(inv, $"--threads {threads} is out of range; it must be 1-{MaxThreads}");
        if (HostProblem() is { } hostProblem)
            return hostProblem;
        if (Router)
        {
            if (RouterPort is < 1 or > 65535)
                return string.Create(inv, $"--router-port {RouterPort} is not a port; it must be 1-65535");
            if (RouterPort >= BasePort && RouterPort < BasePort + Nodes)
                return string.Create(inv, $"--router-port {RouterPort} is one of the nodes' ports {BasePort}-{BasePort + Nodes - 1}");
        }
        if (Interval < MinInterval || Interval > MaxInterval)
            return $"--interval must be {DurationText.Describe(MinInterval)} to {DurationText.Describe(MaxInterval)}";
        return null;
    }

    private string? HostProblem()
    {
        if (string.IsNullOrWhiteSpace(Host))
            return "--host is empty; give the address to listen on, e.g. 127.0.0.1";
        if (Host.Contains(',', StringComparison.Ordinal))
            return $"--host '{Host}': give one address (the nodes all listen on it, on consecutive ports)";
        bool isAddress = IPAddress.TryParse(Host, out _);
        // The server endpoint's own checks say what is wrong with a host name (characters, length).
        var text = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:1" : $"{Host}:1";
        if (!ServerEndPoint.TryParse(text, out _, out var error))
            return $"--host '{Host}' is not an address or host name ({error})";
        if (!isAddress && Host.Contains(':', StringComparison.Ordinal))
            return $"--host '{Host}' is not an address or host name";
        return null;
    }
}
