using System.Collections.Concurrent;
using System.Text;
using Hoard.Router.Requests;
using Hoard.Router.Routes;

namespace Hoard.Router.Tests.Routes;

/// <summary>A route that records what reaches it and answers with a fixed reply (or a function of the request).</summary>
internal sealed class ScriptedRoute(Func<RouterRequest, RouterReply> answer, TimeSpan delay = default) : RouteHandle
{
    public ConcurrentQueue<RouterRequest> Seen { get; } = new();

    public override string Type => "ScriptedRoute";

    public static ScriptedRoute Hit(string value = "v") => new(r => RouterReply.FromServer(Encoding.ASCII.GetBytes($"VALUE {r.KeyText} 0 {value.Length}\r\n{value}\r\nEND\r\n"), r));

    public static ScriptedRoute Miss() => new(r => RouterReply.FromServer("END\r\n"u8.ToArray(), r));

    public static ScriptedRoute Stored() => new(r => RouterReply.FromServer("STORED\r\n"u8.ToArray(), r));

    public static ScriptedRoute Failing(ReplyResult result = ReplyResult.Timeout) => new(_ => RouterReply.Failure(result, "scripted failure"));

    public override async ValueTask<RouterReply> RouteAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        Seen.Enqueue(request);
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, cancellationToken);
        return answer(request);
    }
}
