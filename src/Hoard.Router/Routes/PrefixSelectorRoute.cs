using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>Routes by the longest key prefix in its policies, else to the wildcard (mcrouter's PrefixSelectorRoute).</summary>
public sealed class PrefixSelectorRoute : RouteHandle
{
    private readonly (byte[] Prefix, RouteHandle Route)[] _policies;
    private readonly RouteHandle _wildcard;

    public PrefixSelectorRoute(IReadOnlyDictionary<string, RouteHandle> policies, RouteHandle wildcard)
    {
        ArgumentNullException.ThrowIfNull(policies);
        _policies = [.. policies
            .Select(p => (System.Text.Encoding.UTF8.GetBytes(p.Key), p.Value))
            .OrderByDescending(p => p.Item1.Length)];
        _wildcard = wildcard;
    }

    public override string Type => "PrefixSelectorRoute";

    public override IEnumerable<RouteHandle> Children => _policies.Select(p => p.Route).Append(_wildcard);

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (prefix, route) in _policies)
        {
            if (request.Key.AsSpan().StartsWith(prefix))
                return route.RouteAsync(request, cancellationToken);
        }
        return _wildcard.RouteAsync(request, cancellationToken);
    }
}
