using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>
/// For reads: tries children in order until one hits; when none does, the first miss (better than an error)
/// or else the last reply. Other operations go to the first child.
/// </summary>
public sealed class MissFailoverRoute(IReadOnlyList<RouteHandle> children, RouteRuntime runtime) : RouteHandle
{
    public override string Type => "MissFailoverRoute";

    public override IEnumerable<RouteHandle> Children => children;

    public override async ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Group != OperationGroup.Gets)
            return await children[0].RouteAsync(request, cancellationToken).ConfigureAwait(false);
        RouterReply? firstMiss = null;
        RouterReply last = null!;
        for (int i = 0; i < children.Count; i++)
        {
            last = await children[i].RouteAsync(request, cancellationToken).ConfigureAwait(false);
            if (last.Result == ReplyResult.Hit)
                return last;
            if (last.Result == ReplyResult.Miss)
                firstMiss ??= last;
            if (i < children.Count - 1)
                runtime.Statistics.Failover(ToString());
        }
        return firstMiss ?? last;
    }
}
