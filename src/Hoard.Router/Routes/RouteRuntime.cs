using Hoard.Router.Deletes;
using Hoard.Router.Requests;
using Hoard.Router.Stats;
using Hoard.Router.Upstream;
using Microsoft.Extensions.Logging;

namespace Hoard.Router.Routes;

/// <summary>What route handles share: the router's settings, its counters and the delete log.</summary>
public sealed class RouteRuntime(RouterOptions options, RouterStatistics statistics, DeleteLog? deleteLog, ILogger logger)
{
    public RouterOptions Options { get; } = options;

    public RouterStatistics Statistics { get; } = statistics;

    public DeleteLog? DeleteLog { get; } = deleteLog;

    public ILogger Logger { get; } = logger;

    /// <summary>
    /// Sends <paramref name="request"/> to one server. A delete that cannot be delivered (server down, timeout)
    /// goes into the delete log when there is one, and counts as done: the log delivers it when the server is back.
    /// </summary>
    public ValueTask<RouterReply> SendAsync(UpstreamServer server, RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        Statistics.RequestSent();
        return DeleteLog is { } log && request.Group == OperationGroup.Deletes
            ? SendDeleteAsync(server, request, log, cancellationToken)
            : server.SendAsync(request, cancellationToken);
    }

    private async ValueTask<RouterReply> SendDeleteAsync(UpstreamServer server, RouterRequest request, DeleteLog log, CancellationToken cancellationToken)
    {
        var reply = await server.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (reply.Result is ReplyResult.ConnectError or ReplyResult.Timeout or ReplyResult.Tko)
        {
            log.Append(server.Name, request);
            RouterLog.DeleteLogged(Logger, request.KeyText, server.Name, reply.Error ?? reply.Result.ErrorName());
            return RouterReply.DeleteQueued(request);
        }
        return reply;
    }

    /// <summary>Runs a request whose reply nobody waits for (shadows, async replicas, warm-up write-back).</summary>
    public void Detach(RouteHandle route, RouterRequest request)
    {
        _ = RunDetachedAsync(route, request);
    }

    private async Task RunDetachedAsync(RouteHandle route, RouterRequest request)
    {
        try
        {
            var reply = await route.RouteAsync(request, CancellationToken.None).ConfigureAwait(false);
            if (reply.IsError)
                Statistics.AsyncError();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Statistics.AsyncError();
        }
    }
}
