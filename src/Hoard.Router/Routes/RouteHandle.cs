using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>
/// A node of the route tree: decides where a request goes and which reply comes back. Route handles never throw
/// for a server's faults; failures are replies (<see cref="RouterReply.IsError"/>) so parents can act on them.
/// </summary>
public abstract class RouteHandle
{
    /// <summary>mcrouter's name of the handle type (<c>PoolRoute</c>, <c>FailoverRoute</c>...).</summary>
    public abstract string Type { get; }

    /// <summary>A name for stats: the handle's <c>name</c> in the config, else its type.</summary>
    public string Name { get; internal set; } = "";

    public abstract ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken);

    public virtual IEnumerable<RouteHandle> Children => [];

    public override string ToString() => string.IsNullOrEmpty(Name) ? Type : $"{Type}({Name})";
}
