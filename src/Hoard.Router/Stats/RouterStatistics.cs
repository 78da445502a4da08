using System.Collections.Concurrent;
using System.Diagnostics;
using Hoard.Router.Requests;

namespace Hoard.Router.Stats;

/// <summary>The router's own counters, read by <c>stats</c> and the Prometheus endpoint.</summary>
public sealed class RouterStatistics
{
    private readonly ConcurrentDictionary<string, long> _failoversByRoute = new(StringComparer.Ordinal);
    private readonly long[] _commands = new long[Enum.GetValues<RouterOperation>().Length];
    private long _getHits;
    private long _getMisses;
    private long _requestsOut;
    private long _asyncErrors;
    private long _failovers;
    private long _warmUpFills;
    private long _currentConnections;
    private long _totalConnections;
    private long _rejectedConnections;
    private long _errorReplies;

    public long StartedTimestamp { get; } = Stopwatch.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public void Command(RouterOperation operation) => Interlocked.Increment(ref _commands[(int)operation]);

    public long Commands(RouterOperation operation) => Interlocked.Read(ref _commands[(int)operation]);

    public long CommandsIn => _commands.Sum(c => Interlocked.Read(ref c));

    public void Replied(RouterRequest request, RouterReply reply)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reply);
        if (request.Group == OperationGroup.Gets)
        {
            if (reply.Result == ReplyResult.Hit)
                Interlocked.Increment(ref _getHits);
            else if (reply.Result == ReplyResult.Miss)
                Interlocked.Increment(ref _getMisses);
        }
        if (reply.IsError)
            Interlocked.Increment(ref _errorReplies);
    }

    /// <summary>Counts one key of a batched multi-get.</summary>
    public void GetResult(bool hit) => Interlocked.Increment(ref hit ? ref _getHits : ref _getMisses);

    public long GetHits => Interlocked.Read(ref _getHits);

    public long GetMisses => Interlocked.Read(ref _getMisses);

    public void RequestSent() => Interlocked.Increment(ref _requestsOut);

    public long RequestsOut => Interlocked.Read(ref _requestsOut);

    /// <summary>Error replies the router's clients received.</summary>
    public long ErrorReplies => Interlocked.Read(ref _errorReplies);

    public void AsyncError() => Interlocked.Increment(ref _asyncErrors);

    public long AsyncErrors => Interlocked.Read(ref _asyncErrors);

    public void Failover(string route)
    {
        Interlocked.Increment(ref _failovers);
        _failoversByRoute.AddOrUpdate(route, 1, static (_, n) => n + 1);
    }

    public long Failovers => Interlocked.Read(ref _failovers);

    public IReadOnlyDictionary<string, long> FailoversByRoute => _failoversByRoute;

    public void WarmUpFill() => Interlocked.Increment(ref _warmUpFills);

    public long WarmUpFills => Interlocked.Read(ref _warmUpFills);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _currentConnections);
        Interlocked.Increment(ref _totalConnections);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _currentConnections);

    public void ConnectionRejected() => Interlocked.Increment(ref _rejectedConnections);

    public long CurrentConnections => Interlocked.Read(ref _currentConnections);

    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(StartedTimestamp);
}
