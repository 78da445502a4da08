using Hoard.Router.Requests;

namespace Hoard.Router.Routes;

/// <summary>Sends each request to a child picked at random (mcrouter's RandomRoute).</summary>
public sealed class RandomRoute(IReadOnlyList<RouteHandle> children) : RouteHandle
{
    public override string Type => "RandomRoute";

    public override IEnumerable<RouteHandle> Children => children;

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken) =>
        children[Random.Shared.Next(children.Count)].RouteAsync(request, cancellationToken);
}

/// <summary>Answers without sending anything: a miss, NOT_STORED, NOT_FOUND (mcrouter's NullRoute).</summary>
public sealed class NullRoute : RouteHandle
{
    public override string Type => "NullRoute";

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RouterReply.Default(request));
}

/// <summary>Answers every request with an error (mcrouter's ErrorRoute), e.g. to fence off a prefix.</summary>
public sealed class ErrorRoute(string message) : RouteHandle
{
    public override string Type => "ErrorRoute";

    public string Message { get; } = message;

    public override ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RouterReply.Failure(ReplyResult.LocalError, Message));
}
