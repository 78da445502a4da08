using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>
/// Tries its children in order, moving on when a reply is one of the failover errors for the request's operation
/// group (all errors by default: connect_error, timeout, tko, remote_error); the first other reply, or the last
/// child's, is the answer. Each move is counted in <c>stats</c> under the route's name.
/// </summary>
public sealed class FailoverRoute(IReadOnlyList<RouteHandle> children, IReadOnlyDictionary<OperationGroup, IReadOnlySet<ReplyResult>> failoverErrors, RouteRuntime runtime) : RouteHandle
{
    public static readonly IReadOnlySet<ReplyResult> AllErrors = new HashSet<ReplyResult>
    {
        ReplyResult.ConnectError, ReplyResult.Timeout, ReplyResult.Tko, ReplyResult.RemoteError, ReplyResult.LocalError,
    };

    public override string Type => "FailoverRoute";

    public override IEnumerable<RouteHandle> Children => children;

    public override async ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = failoverErrors.TryGetValue(request.Group, out var set) ? set : AllErrors;
        RouterReply reply = null!;
        for (int i = 0; i < children.Count; i++)
        {
            reply = await children[i].RouteAsync(request, cancellationToken).ConfigureAwait(false);
            if (!reply.IsError || !errors.Contains(reply.Result) || i == children.Count - 1)
                return reply;
            runtime.Statistics.Failover(ToString());
        }
        return reply;
    }
}
