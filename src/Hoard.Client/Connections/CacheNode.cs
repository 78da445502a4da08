using System.Diagnostics;
using System.Net;
using Hoard.Client.Distribution;

namespace Hoard.Client.Connections;

/// <summary>
/// One server as the client uses it: a few pipelined connections (callers spread over them round-robin), and
/// its health — consecutive failures, and whether it is ejected from the ring until a retry time (twemproxy's
/// <c>auto_eject_hosts</c>, <c>server_failure_limit</c>, <c>server_retry_timeout</c>).
/// </summary>
internal sealed class CacheNode : IAsyncDisposable
{
    private readonly ConnectionSettings _settings;
    private readonly PipelinedConnection?[] _connections;
    private readonly Lock _gate = new();
    private int _next;
    private int _consecutiveFailures;
    private long _ejectedUntil;

    private readonly Action<CacheNode, Exception> _onConnectionBroken;

    public CacheNode(ServerEndPoint server, ConnectionSettings settings, int connections, Action<CacheNode, Exception> onConnectionBroken)
    {
        _onConnectionBroken = onConnectionBroken;
        Server = server;
        _settings = settings;
        _connections = new PipelinedConnection?[connections];
        EndPoint = IPAddress.TryParse(server.Host, out var address)
            ? new IPEndPoint(address, server.Port)
            : new DnsEndPoint(server.Host, server.Port);
    }

    public ServerEndPoint Server { get; }

    public EndPoint EndPoint { get; }

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>Whether the node is out of the ring now (ejected and its retry time not reached).</summary>
    public bool IsEjected => Stopwatch.GetTimestamp() < Volatile.Read(ref _ejectedUntil);

    /// <summary>When the ejection ends (Stopwatch ticks).</summary>
    public long EjectedUntil => Volatile.Read(ref _ejectedUntil);

    /// <summary>A working connection, made anew when the previous one broke.</summary>
    public PipelinedConnection Connection() => ConnectionAt((int)((uint)Interlocked.Increment(ref _next) % (uint)_connections.Length));

    /// <summary>
    /// The connection for <paramref name="affinity"/>: a caller that must keep its requests in order (the router,
    /// for one client connection) always gets the same one, and replies on one connection come in order.
    /// </summary>
    public PipelinedConnection Connection(long affinity) => ConnectionAt((int)((ulong)affinity % (ulong)_connections.Length));

    private PipelinedConnection ConnectionAt(int slot)
    {
        var connection = Volatile.Read(ref _connections[slot]);
        if (connection is not null && connection.Broken is null)
            return connection;
        lock (_gate)
        {
            connection = _connections[slot];
            if (connection is not null && connection.Broken is null)
                return connection;
            if (connection is not null)
                _ = connection.DisposeAsync().AsTask();
            connection = new PipelinedConnection(EndPoint, _settings, reason => _onConnectionBroken(this, reason));
            Volatile.Write(ref _connections[slot], connection);
            return connection;
        }
    }

    /// <summary>Counts a success: the failure streak ends.</summary>
    public void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
            Volatile.Write(ref _consecutiveFailures, 0);
    }

    /// <summary>Counts a failure; returns true when this failure ejects the node for <paramref name="retryAfter"/>.</summary>
    public bool RecordFailure(int failureLimit, TimeSpan retryAfter)
    {
        int failures = Interlocked.Increment(ref _consecutiveFailures);
        if (failureLimit <= 0 || failures < failureLimit || IsEjected)
            return false;
        Volatile.Write(ref _ejectedUntil, Stopwatch.GetTimestamp() + (long)(retryAfter.TotalSeconds * Stopwatch.Frequency));
        // One more failure after the retry time ejects it again at once.
        Volatile.Write(ref _consecutiveFailures, failureLimit - 1);
        return true;
    }

    /// <summary>Breaks connections whose oldest request has waited longer than <paramref name="timeout"/>.</summary>
    public int BreakTimedOut(TimeSpan timeout)
    {
        int broken = 0;
        foreach (var connection in _connections)
        {
            if (connection?.OldestStarted is not { } started)
                continue;
            var waited = Stopwatch.GetElapsedTime(started);
            if (waited < timeout)
                continue;
            // Replies come in order: when the oldest is overdue, everything queued behind it is stuck too.
            connection.Break(new HoardTimeoutException(
                $"no reply from {Server.HostPort} within {timeout.TotalMilliseconds:0} ms (oldest request waited {waited.TotalMilliseconds:0} ms; " +
                $"{connection.InFlight} requests in flight, {connection.QueuedBytes} bytes queued to send on this connection, {connection.IoPending} continuations queued on its I/O thread, {connection.Activity}; " +
                $"thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} work items queued)"));
            broken++;
        }
        return broken;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
