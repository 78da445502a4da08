using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>
/// Routes by operation (mcrouter's OperationSelectorRoute): <c>operation_policies</c> keyed by command name
/// (get, gets, gat, gats, set, add, replace, append, prepend, cas, delete, incr, decr, touch; meta commands count as get, set, delete and incr), else <c>default_policy</c>.
/// </summary>
public sealed class OperationSelectorRoute(IReadOnlyDictionary<string, RouteHandle> policies, RouteHandle defaultPolicy) : RouteHandle
{
    public override string Type => "OperationSelectorRoute";

    public override IEnumerable<RouteHandle> Children => policies.Values.Append(defaultPolicy);

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = policies.TryGetValue(request.Operation.PolicyName(), out var chosen) ? chosen : defaultPolicy;
        return route.RouteAsync(request, cancellationToken);
    }
}
