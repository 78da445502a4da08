using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hoard.Protocol;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// One TCP connection to one server with any number of requests in flight: callers append their request to
/// the write buffer and their operation to the reply queue under one lock (so the two orders agree); one
/// send loop drains the buffer; one receive loop hands each reply to the operation at the head of the queue.
/// Nothing waits on a thread-pool thread: both loops are asynchronous socket calls.
/// </summary>
internal sealed class PipelinedConnection : IAsyncDisposable, System.Threading.Tasks.Sources.IValueTaskSource<bool>
{
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly EndPoint _endPoint;
    private readonly ConnectionSettings _settings;
    private readonly Lock _gate = new();
    /// <summary>
    /// Operations in the order their requests were written (enqueued under <see cref="_gate"/> with the write).
    /// Only the receive loop and <see cref="Break"/> take from it, without the lock: the receive loop must not
    /// wait for a caller thread that was preempted while holding the lock.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<IPendingReply> _awaitingReply = new();
    private readonly Socket _socket;
    private OutputBuffer _filling = new();
    private OutputBuffer _sending = new();
    /// <summary>True while the send loop waits for bytes to send (guarded by <see cref="_gate"/>).</summary>
    private bool _senderWaiting;
    /// <summary>Wakes the waiting send loop; reused for every wait, so waking it allocates nothing.</summary>
    private System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore<bool> _wake;
    private bool _isConnected;
    private Exception? _broken;
    private int _closed;
    private readonly CancellationTokenSource _closing = new();

    private readonly Action<Exception>? _onBroken;
    private readonly IoThread _io = IoThread.Next();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipelinedConnection(EndPoint endPoint, ConnectionSettings settings, Action<Exception>? onBroken = null)
    {
        _endPoint = endPoint;
        _settings = settings;
        _onBroken = onBroken;
        _socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _io.Start(ConnectAsync);
    }

    /// <summary>Completes when the connection is up; faults when it could not be made.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Why the connection is unusable, or null while it works.</summary>
    public Exception? Broken
    {
        get
        {
            lock (_gate)
                return _broken;
        }
    }

    /// <summary>Requests whose replies have not been read.</summary>
    public int InFlight
    {
        get => _awaitingReply.Count;
    }

    private long _lastReceived = Stopwatch.GetTimestamp();
    private long _lastSent = Stopwatch.GetTimestamp();

    /// <summary>Milliseconds since bytes last arrived and last left, for timeout messages.</summary>
    public string Activity => $"last bytes received {Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReceived)).TotalMilliseconds:0} ms ago, last sent {Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSent)).TotalMilliseconds:0} ms ago";

    /// <summary>Continuations queued on this connection's I/O thread.</summary>
    public int IoPending => _io.Pending;

    /// <summary>Bytes written by callers and not yet handed to the socket.</summary>
    public int QueuedBytes
    {
        get
        {
            lock (_gate)
                return _filling.Length;
        }
    }

    /// <summary>Started time of the oldest request without a reply (Stopwatch ticks), or null.</summary>
    public long? OldestStarted
    {
        get => _awaitingReply.TryPeek(out var head) ? head.StartedTimestamp : null;
    }

    /// <summary>Queues <paramref name="operation"/>; it is failed at once when the connection is broken or full.</summary>
    public void Send(IPendingReply operation)
    {
        bool wake = false;
        lock (_gate)
        {
            if (_broken is not null)
            {
                operation.Fail(new HoardConnectionException($"connection to {_endPoint} is broken: {_broken.Message}", _broken));
                return;
            }
            if (_awaitingReply.Count >= _settings.MaxInFlight)
            {
                operation.Fail(new HoardConnectionException(
                    $"{_awaitingReply.Count} requests are already in flight to {_endPoint} (limit {_settings.MaxInFlight}); the server is not keeping up"));
                return;
            }
            int before = _filling.Length;
            try
            {
                operation.WriteRequest(_filling);
            }
            catch
            {
                // Half a request must never reach the wire: everything after it would be misread.
                _filling.Truncate(before);
                throw;
            }
            _awaitingReply.Enqueue(operation);
            if (_senderWaiting)
            {
                _senderWaiting = false;
                wake = true;
            }
        }
        if (wake)
            _wake.SetResult(true);
    }

    /// <summary>Fails every queued operation and closes the socket.</summary>
    public void Break(Exception reason)
    {
        var orphans = new List<IPendingReply>();
        bool first;
        bool wasConnected;
        bool wakeSender;
        lock (_gate)
        {
            first = _broken is null;
            wasConnected = _isConnected;
            wakeSender = _senderWaiting;
            _senderWaiting = false;
            _broken ??= reason;
            // Nothing is enqueued once _broken is set, so this drains the queue for good.
            while (_awaitingReply.TryDequeue(out var orphan))
                orphans.Add(orphan);
        }
        if (wakeSender)
            _wake.SetResult(false);
        // The node counts a broken connection once, however many requests it carried. An idle connection
        // the server closed (its idle_timeout, a restart between requests) is not a failure: the next request
        // simply connects again, and counts if that fails.
        bool failed = orphans.Count > 0 || !wasConnected;
        if (first && failed && reason is not ObjectDisposedException)
            _onBroken?.Invoke(reason);
        foreach (var orphan in orphans)
            orphan.Fail(reason is HoardException ? reason : new HoardConnectionException($"connection to {_endPoint} failed: {reason.Message}", reason));
        Close();
    }

    public async ValueTask DisposeAsync()
    {
        Break(new ObjectDisposedException(nameof(PipelinedConnection)));
        try
        {
            await Connected.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or HoardException)
        {
        }
    }

    private async Task ConnectAsync()
    {
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token))
            {
                timeout.CancelAfter(_settings.ConnectTimeout);
                try
                {
                    await _socket.ConnectAsync(_endPoint, timeout.Token).ConfigureAwait(true);
                }
                catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
                {
                    throw new HoardTimeoutException($"connecting to {_endPoint} took longer than {_settings.ConnectTimeout.TotalMilliseconds} ms");
                }
            }
            lock (_gate)
                _isConnected = true;
            _connected.TrySetResult();
            _ = ReceiveLoopAsync();
            _ = SendLoopAsync();
        }
        catch (Exception ex)
        {
            Break(ex);
            _connected.TrySetException(ex);
        }
    }

    /// <summary>
    /// Sends whatever callers have written, for the life of the connection; waits on <see cref="_wake"/> (its
    /// continuation comes back to the I/O thread) when there is nothing to send.
    /// </summary>
    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                bool idle = false;
                short version = 0;
                lock (_gate)
                {
                    if (_broken is not null)
                        return;
                    if (_filling.Length == 0)
                    {
                        _wake.Reset();
                        version = _wake.Version;
                        _senderWaiting = true;
                        idle = true;
                    }
                    else
                    {
                        // Callers keep writing into the other buffer while this one is on the wire.
                        (_filling, _sending) = (_sending, _filling);
                    }
                }
                if (idle)
                {
                    await new ValueTask<bool>(this, version).ConfigureAwait(true);
                    continue;
                }
                var pending = _sending.WrittenMemory;
                while (!pending.IsEmpty)
                {
                    int sent = await _socket.SendAsync(pending, SocketFlags.None, _closing.Token).ConfigureAwait(true);
                    pending = pending[sent..];
                }
                Volatile.Write(ref _lastSent, Stopwatch.GetTimestamp());
                _sending.Reset();
            }
        }
        catch (Exception ex)
        {
            Break(ex);
        }
    }

    bool System.Threading.Tasks.Sources.IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    System.Threading.Tasks.Sources.ValueTaskSourceStatus System.Threading.Tasks.Sources.IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void System.Threading.Tasks.Sources.IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, System.Threading.Tasks.Sources.ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        // One reply larger than the buffer (a big value): grow to hold it whole.
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                }
                int received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _closing.Token).ConfigureAwait(true);
                if (received == 0)
                    throw new HoardConnectionException($"{_endPoint} closed the connection");
                end += received;
                Volatile.Write(ref _lastReceived, Stopwatch.GetTimestamp());
                start += DispatchReplies(buffer.AsSpan(start, end - start));
                if (start == end)
                    start = end = 0;
            }
        }
        catch (Exception ex)
        {
            Break(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands complete replies to the operations awaiting them, in order; returns the bytes used.</summary>
    private int DispatchReplies(ReadOnlySpan<byte> received)
    {
        int used = 0;
        while (used < received.Length)
        {
            if (!_awaitingReply.TryPeek(out var head))
                throw new HoardProtocolException($"{_endPoint} sent {received.Length - used} bytes nobody asked for");
            var status = head.ReadReply(received[used..], out int consumed);
            if (status == ParseStatus.Incomplete)
            {
                // An operation with several replies (a multi-get) may have taken the whole ones already.
                used += consumed;
                break;
            }
            if (status == ParseStatus.Error)
                throw new HoardProtocolException($"{_endPoint} sent a reply to {head.Describe()} that is not valid memcached protocol");
            used += consumed;
            // Break may have drained the queue meanwhile; then the connection is finished anyway.
            if (!_awaitingReply.TryDequeue(out var done) || !ReferenceEquals(done, head))
            {
                done?.Fail(new HoardConnectionException($"connection to {_endPoint} was closed"));
                break;
            }
            // Off the queue first, then completed: a completed operation may be reused at once.
            head.CompleteFromReply();
        }
        return used;
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _closing.Cancel();
        _socket.Dispose();
    }

    /// <summary>Seconds since the oldest unanswered request started, for timeout messages.</summary>
    public static double Age(long startedTimestamp) => Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
}

/// <summary>Limits one connection works within.</summary>
internal sealed record ConnectionSettings(TimeSpan ConnectTimeout, int MaxInFlight);
