using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// Where the list of cache servers comes from: a static list, DNS A/AAAA or SRV records re-resolved
/// periodically, a watched file, or a cluster-configuration endpoint (ElastiCache / Memorystore
/// <c>config get cluster</c>). The client takes <see cref="Current"/> at start and rebuilds its ring on
/// <see cref="Changed"/>, without dropping requests in flight.
/// </summary>
public interface IServerDiscovery : IAsyncDisposable
{
    /// <summary>The servers known now; empty until the first successful lookup.</summary>
    IReadOnlyList<ServerEndPoint> Current { get; }

    /// <summary>Raised (on any thread) with the new list when it differs from the previous one.</summary>
    event Action<IReadOnlyList<ServerEndPoint>>? Changed;

    /// <summary>Does the first lookup and starts watching. Failing lookups are retried, not thrown, so a
    /// client can be created while its servers (or DNS) are not up yet.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);
}
