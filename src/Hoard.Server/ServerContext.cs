using System.Diagnostics;
using Hoard.Server.Statistics;
using Hoard.Storage;

namespace Hoard.Server;

/// <summary>What every connection of one server shares: the cache, settings, counters and controls.</summary>
public sealed class ServerContext
{
    /// <summary>The memcached release whose behaviour Hoard reproduces; reported in <c>version</c>.</summary>
    public const string CompatibleMemcachedVersion = "1.6.18";

    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private int _verbosity;

    public ServerContext(ServerOptions options, CacheEngine engine)
    {
        Options = options;
        Engine = engine;
        _verbosity = options.Verbosity;
        VersionText = $"{CompatibleMemcachedVersion}-hoard-{typeof(ServerContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}";
    }

    public ServerOptions Options { get; }

    /// <summary>Server log; at <c>-vv</c> (Debug) connections and every command line are logged, as memcached does.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public CacheEngine Engine { get; }

    public ServerStatistics Statistics { get; } = new();

    public PrefixStatistics Prefixes { get; } = new();

    /// <summary>The <c>version</c> reply: memcached's version it matches, then Hoard's own.</summary>
    public string VersionText { get; }

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>Current verbosity (<c>-v</c>, changed at run time by the <c>verbosity</c> command).</summary>
    public int Verbosity
    {
        get => Volatile.Read(ref _verbosity);
        set => Volatile.Write(ref _verbosity, value);
    }

    /// <summary>Checks credentials when <c>-S</c> or <c>-Y</c> is on; null when authentication is off.</summary>
    public Security.Authenticator? Authenticator { get; set; }

    /// <summary>The TLS listeners' certificates when <c>-Z</c> is on (reloaded by <c>refresh_certs</c>); null otherwise.</summary>
    public Security.TlsCertificates? Tls { get; set; }

    /// <summary>Set by the server: stops it (the <c>shutdown</c> command).</summary>
    public Action? RequestShutdown { get; set; }

    /// <summary>Set by the server: whether new connections are being accepted.</summary>
    public Func<bool> AcceptingConnections { get; set; } = static () => true;
}
