using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>
/// Cold cache warm-up (mcrouter's WarmUpRoute): writes and deletes go to the cold route; a get that misses on the
/// cold route is answered from the warm one, and a hit there is written back to the cold route with an
/// <c>add</c> (so it never overwrites a newer value) with the configured expiry, without making the client wait.
/// <c>gets</c> and meta gets read the cold route only when it hits, else the warm one, without write-back: a CAS
/// token from the warm pool would not match the cold one, and a meta reply need not carry the flags.
/// </summary>
public sealed class WarmUpRoute(RouteHandle cold, RouteHandle warm, long exptime, RouteRuntime runtime) : RouteHandle
{
    public override string Type => "WarmUpRoute";

    public override IEnumerable<RouteHandle> Children => [cold, warm];

    public override async ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Group != OperationGroup.Gets)
            return await cold.RouteAsync(request, cancellationToken).ConfigureAwait(false);
        var coldReply = await cold.RouteAsync(request, cancellationToken).ConfigureAwait(false);
        if (coldReply.Result == ReplyResult.Hit || request.Operation == RouterOperation.Gets || request.Operation == RouterOperation.Gats)
            return coldReply;
        var warmReply = await warm.RouteAsync(request, cancellationToken).ConfigureAwait(false);
        if (warmReply.Result != ReplyResult.Hit)
            return coldReply.IsError ? warmReply : coldReply;
        if (warmReply.TryGetValue(out uint flags, out var value))
        {
            runtime.Statistics.WarmUpFill();
            runtime.Detach(cold, request.AddOf(flags, exptime, value));
        }
        return warmReply;
    }
}
