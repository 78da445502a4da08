using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>How an All*Route combines the replies of its children, all sent the request at once.</summary>
public enum AllRouteMode : byte
{
    /// <summary>AllSyncRoute: waits for every reply and answers the worst (an error if any).</summary>
    Sync,

    /// <summary>AllAsyncRoute: answers NullRoute's default at once; the children's replies are not awaited.</summary>
    Async,

    /// <summary>AllInitialRoute: answers the first child's reply; the others complete in the background.</summary>
    Initial,

    /// <summary>AllMajorityRoute: answers as soon as more than half the children agree; else the most common (worst on ties).</summary>
    Majority,

    /// <summary>AllFastestRoute: answers the first reply that is not an error; the last error when all fail.</summary>
    Fastest,
}

/// <summary>mcrouter's AllSync/AllAsync/AllInitial/AllMajority/AllFastest routes: replicated pools, multi-cluster broadcast.</summary>
public sealed class AllRoute(AllRouteMode mode, IReadOnlyList<RouteHandle> children, RouteRuntime runtime) : RouteHandle
{
    public override string Type => mode switch
    {
        AllRouteMode.Sync => "AllSyncRoute",
        AllRouteMode.Async => "AllAsyncRoute",
        AllRouteMode.Initial => "AllInitialRoute",
        AllRouteMode.Majority => "AllMajorityRoute",
        _ => "AllFastestRoute",
    };

    public override IEnumerable<RouteHandle> Children => children;

    public override async ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (mode == AllRouteMode.Async)
        {
            foreach (var child in children)
                runtime.Detach(child, request);
            return RouterReply.Default(request);
        }
        // The replicas must all get the request even when the client goes away: they are not the client's to cancel.
        var tasks = children.Select(c => c.RouteAsync(request, CancellationToken.None).AsTask()).ToList();
        switch (mode)
        {
            case AllRouteMode.Initial:
                return await tasks[0].WaitAsync(cancellationToken).ConfigureAwait(false);
            case AllRouteMode.Sync:
            {
                var replies = await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
                return Worst(replies);
            }
            case AllRouteMode.Fastest:
            {
                var pending = new List<Task<RouterReply>>(tasks);
                RouterReply last = null!;
                while (pending.Count > 0)
                {
                    var done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
                    pending.Remove(done);
                    last = await done.ConfigureAwait(false);
                    if (!last.IsError)
                        return last;
                }
                return last;
            }
            default:
            {
                var pending = new List<Task<RouterReply>>(tasks);
                var seen = new List<RouterReply>();
                int needed = (children.Count / 2) + 1;
                while (pending.Count > 0)
                {
                    var done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
                    pending.Remove(done);
                    var reply = await done.ConfigureAwait(false);
                    seen.Add(reply);
                    if (seen.Count(r => r.Result == reply.Result) >= needed)
                        return reply;
                }
                return seen.GroupBy(r => r.Result)
                    .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key.Severity())
                    .First().First();
            }
        }
    }

    private static RouterReply Worst(RouterReply[] replies)
    {
        var worst = replies[0];
        foreach (var reply in replies)
        {
            if (reply.Result.Severity() > worst.Result.Severity())
                worst = reply;
        }
        return worst;
    }
}
