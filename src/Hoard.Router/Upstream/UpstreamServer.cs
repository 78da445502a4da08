using System.Diagnostics;
using System.Runtime.CompilerServices;
using Hoard.Client;
using Hoard.Client.Connections;
using Hoard.Client.Distribution;
using Hoard.Router.Requests;
using Microsoft.Extensions.Logging;

namespace Hoard.Router.Upstream;

/// <summary>
/// One memcached server as the router uses it: Hoard.Client's pipelined connections (a few per server, shared by
/// every client connection of the router) and its health. After <see cref="RouterOptions.TimeoutsUntilTko"/>
/// failures in a row the server is TKO: requests fail at once (so FailoverRoute moves on without waiting), and
/// <c>version</c> probes with exponential back-off and jitter bring it back.
/// </summary>
public sealed class UpstreamServer : IAsyncDisposable
{
    private readonly CacheNode _node;
    private readonly RouterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private int _consecutiveFailures;
    private int _state;
    private int _inFlight;
    private long _requests;
    private long _errors;
    private long _tkoCount;
    private long _latencyMicros;
    private long _stateChangedTimestamp = Stopwatch.GetTimestamp();

    public UpstreamServer(ServerEndPoint server, RouterOptions options, ILogger logger)
        : this(server, options, logger, poller: null)
    {
    }

    internal UpstreamServer(ServerEndPoint server, RouterOptions options, ILogger logger, IConnectionPoller? poller)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        Server = server;
        _options = options;
        _logger = logger;
        // Many client connections share these: the in-flight bound is per upstream connection, generous. The
        // router's threads never block, so requests are sent and replies handled on them, without a hand-off.
        var settings = new ConnectionSettings(options.ConnectTimeout, MaxInFlight: 64 * 1024, InlineIo: true, Poller: poller);
        _node = new CacheNode(server, settings, options.ConnectionsPerServer, static (_, _) => { });
    }

    public ServerEndPoint Server { get; }

    public string Name => Server.HostPort;

    public UpstreamState State => (UpstreamState)Volatile.Read(ref _state);

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Times the server went TKO.</summary>
    public long TkoCount => Interlocked.Read(ref _tkoCount);

    /// <summary>Average reply time, exponentially weighted (µs).</summary>
    public long AverageLatencyMicros => Interlocked.Read(ref _latencyMicros);

    public TimeSpan InStateFor => Stopwatch.GetElapsedTime(Interlocked.Read(ref _stateChangedTimestamp));

    /// <summary>
    /// Run when a probe succeeds, before the server takes requests again: the delete log replays here, so no
    /// client reads a value deleted during the outage.
    /// </summary>
    public Func<UpstreamServer, Task>? BeforeReturn { get; set; }

    /// <summary>Sends <paramref name="request"/> and returns the server's reply, or an error reply (never throws for the server's faults).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RouterReply> SendAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State == UpstreamState.Tko)
            return RouterReply.Failure(ReplyResult.Tko, $"{Name} is marked down (TKO) after {_options.TimeoutsUntilTko} failures in a row");
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var operation = new ForwardOperation(request, Name);
            operation.ObserveCancellation(cancellationToken);
            // One client connection's requests share an upstream connection, so they stay in order.
            _node.Connection(request.Affinity).Send(operation);
            var bytes = await operation.Task.ConfigureAwait(false);
            RecordSuccess(operation.StartedTimestamp);
            return RouterReply.FromServer(bytes, request);
        }
        catch (HoardTimeoutException e)
        {
            RecordFailure(e.Message);
            return RouterReply.Failure(ReplyResult.Timeout, $"timeout from {Name}: {e.Message}");
        }
        catch (HoardException e)
        {
            RecordFailure(e.Message);
            return RouterReply.Failure(ReplyResult.ConnectError, $"{Name}: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Sends ready-made bytes (flush_all, probes, replayed deletes) and returns the reply bytes; throws <see cref="HoardException"/> on failure.</summary>
    public async ValueTask<byte[]> ForwardAsync(byte[] request, ReplyFraming framing, string description, CancellationToken cancellationToken)
    {
        var operation = new ForwardOperation(new RawRequest(request, framing, description), Name);
        operation.ObserveCancellation(cancellationToken);
        _node.Connection().Send(operation);
        return await operation.Task.ConfigureAwait(false);
    }

    /// <summary>Fails requests waiting longer than the server timeout (their connection is closed: replies come in order).</summary>
    public void BreakTimedOut() => _node.BreakTimedOut(_options.ServerTimeout);

    private void RecordSuccess(long started)
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
            Volatile.Write(ref _consecutiveFailures, 0);
        long micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        long previous = Interlocked.Read(ref _latencyMicros);
        // EWMA with weight 1/8: recent enough to show a slow server, smooth enough to read.
        Interlocked.Exchange(ref _latencyMicros, previous == 0 ? micros : previous + ((micros - previous) / 8));
    }

    private void RecordFailure(string reason)
    {
        Interlocked.Increment(ref _errors);
        int failures = Interlocked.Increment(ref _consecutiveFailures);
        if (failures < _options.TimeoutsUntilTko)
            return;
        if (Interlocked.CompareExchange(ref _state, (int)UpstreamState.Tko, (int)UpstreamState.Up) != (int)UpstreamState.Up)
            return;
        Interlocked.Increment(ref _tkoCount);
        Interlocked.Exchange(ref _stateChangedTimestamp, Stopwatch.GetTimestamp());
        RouterLog.ServerTko(_logger, Name, failures, reason);
        _ = ProbeUntilBackAsync();
    }

    /// <summary>Probes a TKO server with <c>version</c> until it answers: waits double each time (up to the maximum), ±25% jitter.</summary>
    private async Task ProbeUntilBackAsync()
    {
        var delay = _options.ProbeDelayInitial;
        var token = _disposed.Token;
        while (!token.IsCancellationRequested)
        {
            double jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
            try
            {
                await Task.Delay(delay * jitter, token).ConfigureAwait(false);
                var reply = await ForwardAsync("version\r\n"u8.ToArray(), ReplyFraming.Line, "version probe", token).ConfigureAwait(false);
                if (reply.AsSpan().StartsWith("VERSION"u8))
                {
                    if (BeforeReturn is { } before)
                        await before(this).ConfigureAwait(false);
                    Volatile.Write(ref _consecutiveFailures, 0);
                    Interlocked.Exchange(ref _stateChangedTimestamp, Stopwatch.GetTimestamp());
                    Volatile.Write(ref _state, (int)UpstreamState.Up);
                    RouterLog.ServerBack(_logger, Name);
                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HoardException e)
            {
                RouterLog.ProbeFailed(_logger, Name, e.Message);
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ProbeDelayMax.Ticks));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        await _node.DisposeAsync().ConfigureAwait(false);
        _disposed.Dispose();
    }
}
