using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>Hashes the key to one of its children (Ch3 jump hash by default, or Crc32).</summary>
public sealed class HashRoute(IReadOnlyList<RouteHandle> children, KeyHashFunction hash) : RouteHandle
{
    public override string Type => "HashRoute";

    public override IEnumerable<RouteHandle> Children => children;

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return children[KeyHashing.Index(hash, request.Key, children.Count)].RouteAsync(request, cancellationToken);
    }
}
