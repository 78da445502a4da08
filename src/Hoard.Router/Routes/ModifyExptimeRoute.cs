using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>How ModifyExptimeRoute changes the expiry.</summary>
public enum ExptimeAction : byte
{
    /// <summary>Replace it.</summary>
    Set,

    /// <summary>Use the smaller of the request's and the configured one (0, "never", counts as the largest).</summary>
    Min,
}

/// <summary>Changes the expiry of requests that carry one, then passes them on (mcrouter's ModifyExptimeRoute).</summary>
public sealed class ModifyExptimeRoute(RouteHandle target, long exptime, ExptimeAction action) : RouteHandle
{
    public override string Type => "ModifyExptimeRoute";

    public override IEnumerable<RouteHandle> Children => [target];

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HasExptime)
        {
            bool change = action == ExptimeAction.Set || request.Exptime == 0 || (exptime != 0 && exptime < request.Exptime);
            if (change)
                request = request.WithExptime(exptime);
        }
        return target.RouteAsync(request, cancellationToken);
    }
}
