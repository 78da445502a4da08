using Hoard.Client.Discovery;
using Hoard.Client.Distribution;
using Microsoft.Extensions.Logging;

namespace Hoard.Router.Upstream;

/// <summary>
/// A named pool: a fixed server list, or one that follows a discovery source (a DNS name's A records — a
/// Kubernetes headless Service —, SRV records, a file), re-resolved like Hoard.Client's discovery.
/// </summary>
public sealed class UpstreamPool : IAsyncDisposable
{
    private readonly UpstreamRegistry _registry;
    private readonly IServerDiscovery? _discovery;
    private readonly ILogger _logger;
    private Members _members;

    private UpstreamPool(string name, UpstreamRegistry registry, IServerDiscovery? discovery, IReadOnlyList<ServerEndPoint> servers, ILogger logger)
    {
        Name = name;
        _registry = registry;
        _discovery = discovery;
        _logger = logger;
        _members = new Members([.. servers.Select(registry.Get)], servers, 0);
    }

    public string Name { get; }

    /// <summary>The discovery source, or null for a fixed list.</summary>
    public DiscoverySpec? Discovery { get; private init; }

    /// <summary>The current servers; a new snapshot (with a higher version) when discovery changes them.</summary>
    public Members Current => Volatile.Read(ref _members);

    /// <summary>Raised after the member list changed.</summary>
    public event Action<UpstreamPool>? Changed;

    public static UpstreamPool Fixed(string name, IReadOnlyList<ServerEndPoint> servers, UpstreamRegistry registry, ILogger logger) =>
        new(name, registry, null, servers, logger);

    /// <summary>A pool following <paramref name="spec"/>; empty until the first lookup (<see cref="StartAsync"/>) answers.</summary>
    public static UpstreamPool Discovered(string name, DiscoverySpec spec, UpstreamRegistry registry, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var discovery = spec.CreateDiscovery();
        var pool = new UpstreamPool(name, registry, discovery, discovery.Current, logger) { Discovery = spec };
        discovery.Changed += pool.OnDiscovered;
        if (discovery is PollingServerDiscovery polling)
            polling.LookupFailed += e => RouterLog.DiscoveryFailed(logger, name, e.Message);
        return pool;
    }

    /// <summary>Starts discovery (first lookup awaited, failures logged and retried); nothing for a fixed pool.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_discovery is null)
            return;
        try
        {
            await _discovery.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The pool stays empty and requests to it fail clearly until a lookup works; polling goes on.
            RouterLog.DiscoveryFailed(_logger, Name, e.Message);
        }
        OnDiscovered(_discovery.Current);
    }

    private void OnDiscovered(IReadOnlyList<ServerEndPoint> servers)
    {
        var previous = Current;
        if (previous.Endpoints.SequenceEqual(servers))
            return;
        var members = new Members([.. servers.Select(_registry.Get)], servers, previous.Version + 1);
        Volatile.Write(ref _members, members);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string list = string.Join(", ", servers.Select(s => s.HostPort));
            RouterLog.PoolChanged(_logger, Name, servers.Count, list);
        }
        Changed?.Invoke(this);
    }

    public async ValueTask DisposeAsync()
    {
        if (_discovery is not null)
            await _discovery.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A snapshot of a pool's servers, in the order given (the order hashing depends on).</summary>
    public sealed record Members(UpstreamServer[] Servers, IReadOnlyList<ServerEndPoint> Endpoints, long Version);
}
