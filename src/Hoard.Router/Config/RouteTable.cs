using System.Text;
using Hoard.Router.Requests;
using Hoard.Router.Routes;
using Hoard.Router.Upstream;

namespace Hoard.Router.Config;

/// <summary>
/// A loaded configuration: its pools and the route for each routing prefix. A key that starts with one of the
/// <c>routes</c> aliases (<c>/region/cluster/</c>) takes that route, without the prefix; other keys take the
/// default route (the top-level <c>route</c>, or the alias named by <c>--route-prefix</c>, else the first).
/// </summary>
public sealed class RouteTable : IAsyncDisposable
{
    private readonly (byte[] Prefix, RouteHandle Route)[] _aliases;

    public RouteTable(RouteHandle defaultRoute, IReadOnlyList<(string Prefix, RouteHandle Route)> aliases, IReadOnlyDictionary<string, UpstreamPool> pools)
    {
        Default = defaultRoute;
        _aliases = [.. aliases.Select(a => (Encoding.UTF8.GetBytes(a.Prefix), a.Route)).OrderByDescending(a => a.Item1.Length)];
        Pools = pools;
    }

    public RouteHandle Default { get; }

    /// <summary>Whether keys may carry a routing prefix (<c>routes</c> with aliases).</summary>
    public bool HasAliases => _aliases.Length > 0;

    public IReadOnlyDictionary<string, UpstreamPool> Pools { get; }

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The route for <paramref name="request"/> and the request as that route sees it (routing prefix removed).</summary>
    public (RouteHandle Route, RouterRequest Request) Resolve(RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_aliases.Length > 0 && request.Key.Length > 0 && request.Key[0] == (byte)'/')
        {
            foreach (var (prefix, route) in _aliases)
            {
                if (request.Key.AsSpan().StartsWith(prefix) && request.Key.Length > prefix.Length)
                    return (route, request.WithKey(request.Key[prefix.Length..]));
            }
        }
        return (Default, request);
    }

    /// <summary>Every server the pools name now.</summary>
    public IEnumerable<string> ServerNames => Pools.Values.SelectMany(p => p.Current.Endpoints).Select(s => s.HostPort);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Pools.Values.Select(p => p.StartAsync(cancellationToken))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in Pools.Values)
            await pool.DisposeAsync().ConfigureAwait(false);
    }
}
