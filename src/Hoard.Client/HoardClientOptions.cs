using Hoard.Client.Distribution;

namespace Hoard.Client;

/// <summary>Settings of a <see cref="HoardClient"/>. Defaults suit a cache on the same network.</summary>
public sealed class HoardClientOptions
{
    /// <summary>Servers as <c>host:port[:weight]</c> (or <c>[v6]:port</c>); the order matters only to modula.</summary>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>
    /// Where the server list comes from when it is not static (DNS, SRV, a file, a cluster-configuration
    /// endpoint). When set, <see cref="Servers"/> is not used.
    /// </summary>
    public Discovery.IServerDiscovery? Discovery { get; set; }

    /// <summary>
    /// The server list as a discovery spec, for configuration files: <c>dns://NAME[:PORT]</c>,
    /// <c>srv://_memcache._tcp.NAME</c>, <c>file:///PATH</c>, <c>config://HOST[:PORT]</c> (ElastiCache /
    /// Memorystore), with <c>?interval=5s&amp;nameserver=IP:PORT</c>; see docs/client.md. Used when
    /// <see cref="Discovery"/> is not set; <see cref="Servers"/> is then not used.
    /// </summary>
    public string? DiscoveryUri { get; set; }

    /// <summary>Whether disposing the client disposes <see cref="Discovery"/> too.</summary>
    public bool DisposeDiscovery { get; set; } = true;

    /// <summary>How keys are spread over the servers; pick the scheme of the other clients sharing the fleet.</summary>
    public KeyDistribution Distribution { get; set; } = KeyDistribution.Ketama;

    /// <summary>Which ketama variant, when <see cref="Distribution"/> is ketama.</summary>
    public KetamaFlavor KetamaFlavor { get; set; } = KetamaFlavor.Libketama;

    /// <summary>
    /// Meta (the default; memcached 1.6+, Hoard) or text (older servers and proxies that lack the meta
    /// protocol). <see cref="HoardClient.GetOrCreateAsync{T}"/> and <see cref="HoardClient.InvalidateAsync"/> need meta.
    /// </summary>
    public WireProtocol Protocol { get; set; } = WireProtocol.Meta;

    /// <summary>Pipelined connections per server. Each carries any number of requests at once.</summary>
    public int ConnectionsPerServer { get; set; } = 2;

    /// <summary>How long connecting to a server may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a request may wait for its reply before its connection is declared stuck and dropped.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests in flight on one connection before new ones fail fast instead of queueing without bound.</summary>
    public int MaxInFlightPerConnection { get; set; } = 16 * 1024;

    /// <summary>
    /// Consecutive failures (connections that could not be made or broke) after which a server is taken out of
    /// the ring for <see cref="RetryTimeout"/> and its keys go to the next server (twemproxy's
    /// <c>server_failure_limit</c> with <c>auto_eject_hosts</c>). 0 never ejects: a failing server's keys fail.
    /// </summary>
    public int FailureLimit { get; set; } = 2;

    /// <summary>How long an ejected server stays out of the ring before a request probes it again (<c>server_retry_timeout</c>).</summary>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How typed values (<c>SetAsync&lt;T&gt;</c>) become bytes; System.Text.Json by default.</summary>
    public Values.ICacheSerializer Serializer { get; set; } = new Values.JsonCacheSerializer();

    /// <summary>
    /// Typed values at least this large are stored zlib-compressed (flag 8, as python-memcached does) when
    /// that makes them smaller; 0 never compresses.
    /// </summary>
    public int CompressionThreshold { get; set; } = 64 * 1024;

    /// <summary>Where the client logs ejections, connection failures and server list changes.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The problems that make these options unusable; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Servers.Count == 0 && Discovery is null && DiscoveryUri is null)
            problems.Add("no servers: add at least one host:port to Servers, or set Discovery or DiscoveryUri");
        if (Discovery is null && DiscoveryUri is not null && !Hoard.Client.Discovery.DiscoverySpec.TryParse(DiscoveryUri, out _, out var specError))
            problems.Add(specError);
        foreach (var server in Servers)
        {
            if (!ServerEndPoint.TryParse(server, out _, out var error))
                problems.Add(error);
        }
        if (ConnectionsPerServer is < 1 or > 64)
            problems.Add($"ConnectionsPerServer must be 1-64, not {ConnectionsPerServer}");
        if (ConnectTimeout <= TimeSpan.Zero)
            problems.Add("ConnectTimeout must be positive");
        if (OperationTimeout <= TimeSpan.Zero)
            problems.Add("OperationTimeout must be positive");
        if (MaxInFlightPerConnection < 1)
            problems.Add("MaxInFlightPerConnection must be positive");
        if (CompressionThreshold < 0)
            problems.Add("CompressionThreshold cannot be negative");
        if (Serializer is null)
            problems.Add("Serializer must be set");
        if (FailureLimit < 0)
            problems.Add("FailureLimit cannot be negative");
        if (RetryTimeout < TimeSpan.Zero)
            problems.Add("RetryTimeout cannot be negative");
        return problems;
    }
}

/// <summary>Which memcached protocol the client speaks.</summary>
public enum WireProtocol
{
    /// <summary>memcached 1.6's meta commands (<c>mg ms md ma</c>): leases, base64 keys, quiet multi-gets.</summary>
    Meta,
    /// <summary>The classic text commands (<c>gets set cas delete incr touch gats</c>), for older servers.</summary>
    Text,
}
