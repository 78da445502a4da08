using Hoard.Client.Distribution;
using Hoard.Router.Requests;
using Hoard.Router.Upstream;

namespace Hoard.Router.Routes;

/// <summary>
/// Hashes the key to one server of a pool (mcrouter's PoolRoute, which is a HashRoute over the pool's
/// destinations). With <c>ketama</c> — the default — the choice is Hoard.Client's and libmemcached's, so keys
/// written through the router and directly by clients land on the same servers. Optional shadows receive a
/// copy of requests for a fraction of keys, without waiting for their replies.
/// </summary>
public sealed class PoolRoute : RouteHandle
{
    private readonly RouteRuntime _runtime;
    private readonly KeyHashFunction _hash;
    private readonly IReadOnlyList<Shadow> _shadows;
    private LocatorCache? _locator;

    public PoolRoute(UpstreamPool pool, KeyHashFunction hash, IReadOnlyList<Shadow> shadows, RouteRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(pool);
        Pool = pool;
        _hash = hash;
        _shadows = shadows;
        _runtime = runtime;
    }

    public override string Type => "PoolRoute";

    public UpstreamPool Pool { get; }

    /// <summary>Whether requests are copied to shadows (a batched multi-get would skip them, so it is not batched).</summary>
    public bool HasShadows => _shadows.Count > 0;

    public override IEnumerable<RouteHandle> Children => _shadows.Select(s => s.Target);

    /// <summary>The server <paramref name="key"/> goes to now, or null when the pool is empty.</summary>
    public UpstreamServer? Locate(ReadOnlySpan<byte> key)
    {
        var members = Pool.Current;
        if (members.Servers.Length == 0)
            return null;
        return members.Servers[IndexOf(key, members)];
    }

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var server = Locate(request.Key);
        if (server is null)
            return ValueTask.FromResult(RouterReply.Failure(ReplyResult.LocalError, $"pool {Pool.Name} has no servers" + (Pool.Discovery is { } d ? $" (discovery {d} found none yet)" : "")));
        foreach (var shadow in _shadows)
        {
            double fraction = KeyHashing.Fraction(request.Key);
            if (fraction >= shadow.From && fraction < shadow.To)
                _runtime.Detach(shadow.Target, request);
        }
        return _runtime.SendAsync(server, request, cancellationToken);
    }

    private int IndexOf(ReadOnlySpan<byte> key, UpstreamPool.Members members)
    {
        switch (_hash)
        {
            case KeyHashFunction.Ch3:
            case KeyHashFunction.Crc32:
                return KeyHashing.Index(_hash, key, members.Servers.Length);
            default:
                var cache = Volatile.Read(ref _locator);
                if (cache is null || cache.Version != members.Version)
                {
                    var distribution = _hash switch
                    {
                        KeyHashFunction.Modula => KeyDistribution.Modula,
                        KeyHashFunction.Rendezvous => KeyDistribution.Rendezvous,
                        _ => KeyDistribution.Ketama,
                    };
                    cache = new LocatorCache(NodeLocator.Create(distribution, members.Endpoints), members.Version);
                    Volatile.Write(ref _locator, cache);
                }
                return cache.Locator.LocateIndex(key);
        }
    }

    /// <summary>A copy of requests for keys whose hash fraction is in [<see cref="From"/>, <see cref="To"/>).</summary>
    public sealed record Shadow(RouteHandle Target, double From, double To);

    private sealed record LocatorCache(INodeLocator Locator, long Version);
}
