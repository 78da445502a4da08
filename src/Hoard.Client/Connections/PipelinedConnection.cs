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
/// <para>
/// Where the loops run: by default on an <see cref="IoThread"/> (an application's thread-pool starvation cannot
/// stall them). With <see cref="ConnectionSettings.InlineIo"/> (the router) they run on whichever thread gets
/// there first: a caller's request is sent on the caller's own thread, and a reply is handled on the thread
/// that completed the socket receive (or, inside a <see cref="SendBatch"/>, at the end of the caller's event-loop
/// round). The router's callers are its event-loop threads and never block, and the hand-off to another thread
/// and back cost more than a request's own work (two context switches each). With a
/// <see cref="ConnectionSettings.Poller"/> too, the socket is not an asynchronous one at all: it is non-blocking
/// and the poller's event loop calls <see cref="OnReadable"/> and <see cref="OnWritable"/>.
/// </para>
/// </summary>
internal sealed class PipelinedConnection : IAsyncDisposable, IPolledConnection
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
    private readonly ReplyQueue _awaitingReply = new();
    private readonly Socket _socket;
    private OutputBuffer _filling = new();
    private OutputBuffer _sending = new();
    /// <summary>True while a send is running or scheduled on the I/O thread (guarded by <see cref="_gate"/>).</summary>
    private bool _sendScheduled;
    private int _sendOffset;
    private readonly byte[] _receiveBuffer0 = new byte[ReceiveBufferSize];
    private byte[] _receiveBuffer;
    private int _receiveStart;
    private int _receiveEnd;
    // Socket operations complete through these (reused for the connection's life) and come back to the I/O
    // thread as (static callback, this) posts: nothing is allocated per request to move bytes.
    private readonly SocketAsyncEventArgs _receiveArgs = new();
    private readonly SocketAsyncEventArgs _sendArgs = new();
    private static readonly SendOrPostCallback ReceiveCompletedOnIo = static state => ((PipelinedConnection)state!).OnReceiveCompleted();
    private static readonly SendOrPostCallback SendCompletedOnIo = static state => ((PipelinedConnection)state!).OnSendCompleted();
    private static readonly SendOrPostCallback PumpSendOnIo = static state => ((PipelinedConnection)state!).PumpSend();
    private bool _isConnected;
    private Exception? _broken;
    private int _closed;
    private readonly CancellationTokenSource _closing = new();

    private readonly Action<Exception>? _onBroken;
    /// <summary>The thread the loops run on; null with <see cref="ConnectionSettings.InlineIo"/>.</summary>
    private readonly IoThread? _io;
    /// <summary>The event loop watching the socket once connected, with <see cref="ConnectionSettings.Poller"/> (guarded by <see cref="_gate"/>).</summary>
    private IPolledSocket? _polled;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipelinedConnection(EndPoint endPoint, ConnectionSettings settings, Action<Exception>? onBroken = null)
    {
        _endPoint = endPoint;
        _settings = settings;
        _onBroken = onBroken;
        _socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _receiveBuffer = _receiveBuffer0;
        if (settings.Poller is not null)
        {
            // A blocking connect on a thread of its own: an asynchronous one would leave the socket registered
            // with .NET's socket engine, whose thread would then wake for every reply too.
            _ = Task.Factory.StartNew(static state => ((PipelinedConnection)state!).ConnectForPoller(), this,
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        else if (settings.InlineIo)
        {
            _receiveArgs.Completed += static (_, args) => ((PipelinedConnection)args.UserToken!).OnReceiveCompleted();
            _sendArgs.Completed += static (_, args) => ((PipelinedConnection)args.UserToken!).OnSendCompleted();
            _receiveArgs.UserToken = _sendArgs.UserToken = this;
            // Off the caller's thread: a connect that fails at once must not call back into a caller holding locks.
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.ConnectAsync(), this, preferLocal: false);
        }
        else
        {
            var io = _io = IoThread.Next();
            _receiveArgs.Completed += (_, _) => io.Post(ReceiveCompletedOnIo, this);
            _sendArgs.Completed += (_, _) => io.Post(SendCompletedOnIo, this);
            io.Start(ConnectAsync);
        }
    }

    /// <summary>Completes when the connection is up; faults when it could not be made.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Why the connection is unusable, or null while it works.</summary>
    public Exception? Broken => Volatile.Read(ref _broken);

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
    public int IoPending => _io?.Pending ?? 0;

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
        bool kick = false;
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
            if (_isConnected && !_sendScheduled)
                kick = _sendScheduled = true;
        }
        if (!kick)
            return;
        if (_io is null)
        {
            if (!SendBatch.TryDefer(this))
                PumpSend();
        }
        else
            _io.Post(PumpSendOnIo, this);
    }

    /// <summary>Fails every queued operation and closes the socket.</summary>
    public void Break(Exception reason)
    {
        var orphans = new List<IPendingReply>();
        bool first;
        bool wasConnected;
        lock (_gate)
        {
            first = _broken is null;
            wasConnected = _isConnected;
            if (first)
                Volatile.Write(ref _broken, reason);
            // Nothing is enqueued once _broken is set, so this drains the queue for good.
            while (_awaitingReply.TryDequeue(out var orphan))
                orphans.Add(orphan);
        }
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
                    // Back on the I/O thread, when there is one (it is the current context).
                    await _socket.ConnectAsync(_endPoint, timeout.Token).ConfigureAwait(true);
                }
                catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
                {
                    throw new HoardTimeoutException($"connecting to {_endPoint} took longer than {_settings.ConnectTimeout.TotalMilliseconds} ms");
                }
            }
            bool send;
            lock (_gate)
            {
                _isConnected = true;
                send = _filling.Length > 0 && !_sendScheduled;
                _sendScheduled |= send;
            }
            _connected.TrySetResult();
            StartReceive();
            if (send)
                PumpSend();
        }
        catch (Exception ex)
        {
            Break(ex);
            _connected.TrySetException(ex);
        }
    }

    /// <summary>Connects (blocking, within the connect timeout), then hands the non-blocking socket to the poller.</summary>
    private void ConnectForPoller()
    {
        try
        {
            // Linux bounds a blocking connect by the send timeout.
            _socket.SendTimeout = Math.Max(1, (int)_settings.ConnectTimeout.TotalMilliseconds);
            long started = Stopwatch.GetTimestamp();
            try
            {
                _socket.Connect(_endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.TimedOut
                && Stopwatch.GetElapsedTime(started) >= _settings.ConnectTimeout * 0.9)
            {
                throw new HoardTimeoutException($"connecting to {_endPoint} took longer than {_settings.ConnectTimeout.TotalMilliseconds} ms");
            }
            _socket.SendTimeout = 0;
            _socket.Blocking = false;
            bool send;
            lock (_gate)
            {
                if (_broken is not null)
                    throw new HoardConnectionException($"connection to {_endPoint} was closed while connecting", _broken);
                _polled = _settings.Poller!.Watch(_socket, this);
                _isConnected = true;
                send = _filling.Length > 0 && !_sendScheduled;
                _sendScheduled |= send;
            }
            _connected.TrySetResult();
            if (send)
                PumpSend();
        }
        catch (Exception ex)
        {
            Break(ex);
            _connected.TrySetException(ex);
        }
    }

    /// <summary>The poller's loop: read what arrived, until the socket would block.</summary>
    public void OnReadable()
    {
        while (true)
        {
            // Room first: it may move the bytes and replace the buffer.
            int space = MakeReceiveRoom();
            int received;
            SocketError error;
            try
            {
                received = _socket.Receive(_receiveBuffer.AsSpan(_receiveEnd, space), SocketFlags.None, out error);
            }
            catch (ObjectDisposedException e)
            {
                Break(e);
                return;
            }
            if (error == SocketError.WouldBlock)
                return;
            if (!Received(error, received))
                return;
            // A short read means the socket is drained; the level-triggered loop reports later bytes.
            if (received < space)
                return;
        }
    }

    private void WaitUntilWritable()
    {
        IPolledSocket? polled;
        lock (_gate)
            polled = _polled;
        polled?.WaitUntilWritable();
    }

    /// <summary>The poller's loop: the socket takes bytes again, the blocked send goes on.</summary>
    public void OnWritable() => PumpSend();

    /// <summary>
    /// Sends what callers have written until there is nothing left (on the I/O thread). Callers write into one
    /// buffer while the other is on the wire; a send that would block continues from its completion.
    /// </summary>
    internal void PumpSend()
    {
        while (true)
        {
            if (_sendOffset == _sending.Length)
            {
                _sending.Reset();
                _sendOffset = 0;
                lock (_gate)
                {
                    if (_broken is not null || _filling.Length == 0)
                    {
                        _sendScheduled = false;
                        return;
                    }
                    (_filling, _sending) = (_sending, _filling);
                }
            }
            if (_settings.Poller is not null)
            {
                int sent;
                SocketError error;
                try
                {
                    sent = _socket.Send(_sending.WrittenSpan[_sendOffset..], SocketFlags.None, out error);
                }
                catch (ObjectDisposedException e)
                {
                    Break(e);
                    return;
                }
                if (error == SocketError.WouldBlock)
                {
                    // Still scheduled: the loop's OnWritable carries on from here.
                    WaitUntilWritable();
                    return;
                }
                if (error != SocketError.Success)
                {
                    Break(new SocketException((int)error));
                    return;
                }
                _sendOffset += sent;
                Volatile.Write(ref _lastSent, Stopwatch.GetTimestamp());
                continue;
            }
            _sendArgs.SetBuffer(System.Runtime.InteropServices.MemoryMarshal.AsMemory(_sending.WrittenMemory[_sendOffset..]));
            bool pending;
            try
            {
                pending = _socket.SendAsync(_sendArgs);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Break(ex);
                return;
            }
            if (pending || !SendCompleted())
                return;
        }
    }

    private void OnSendCompleted()
    {
        if (SendCompleted())
            PumpSend();
    }

    private bool SendCompleted()
    {
        if (_sendArgs.SocketError != SocketError.Success)
        {
            Break(new SocketException((int)_sendArgs.SocketError));
            return false;
        }
        _sendOffset += _sendArgs.BytesTransferred;
        Volatile.Write(ref _lastSent, Stopwatch.GetTimestamp());
        return true;
    }

    /// <summary>Receives until a receive is pending (on the I/O thread), handling each batch of bytes.</summary>
    private void StartReceive()
    {
        while (true)
        {
            // Room first: it may move the bytes and replace the buffer.
            int room = MakeReceiveRoom();
            _receiveArgs.SetBuffer(_receiveBuffer, _receiveEnd, room);
            bool pending;
            try
            {
                pending = _socket.ReceiveAsync(_receiveArgs);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Break(ex);
                return;
            }
            if (pending || !Received(_receiveArgs.SocketError, _receiveArgs.BytesTransferred))
                return;
        }
    }

    /// <summary>Makes room at the end of the receive buffer; returns its size.</summary>
    private int MakeReceiveRoom()
    {
        if (_receiveEnd == _receiveBuffer.Length)
        {
            if (_receiveStart > 0)
            {
                _receiveBuffer.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(_receiveBuffer);
                _receiveEnd -= _receiveStart;
                _receiveStart = 0;
            }
            else
            {
                // One reply larger than the buffer (a big value): grow to hold it whole.
                var bigger = new byte[_receiveBuffer.Length * 2];
                _receiveBuffer.AsSpan(0, _receiveEnd).CopyTo(bigger);
                _receiveBuffer = bigger;
            }
        }
        return _receiveBuffer.Length - _receiveEnd;
    }

    private void OnReceiveCompleted()
    {
        if (Received(_receiveArgs.SocketError, _receiveArgs.BytesTransferred))
            StartReceive();
    }

    /// <summary>Takes in what a receive brought; false when the connection is finished.</summary>
    private bool Received(SocketError error, int received)
    {
        if (error != SocketError.Success)
        {
            Break(new SocketException((int)error));
            return false;
        }
        if (received == 0)
        {
            Break(new HoardConnectionException($"{_endPoint} closed the connection"));
            return false;
        }
        _receiveEnd += received;
        Volatile.Write(ref _lastReceived, Stopwatch.GetTimestamp());
        try
        {
            _receiveStart += DispatchReplies(_receiveBuffer.AsSpan(_receiveStart, _receiveEnd - _receiveStart));
        }
        catch (Exception ex)
        {
            // A reply that cannot be read leaves the stream unusable: fail what is queued, drop the connection.
            Break(ex);
            return false;
        }
        if (_receiveStart == _receiveEnd)
        {
            _receiveStart = _receiveEnd = 0;
            // A buffer grown for one large reply goes back to its normal size.
            _receiveBuffer = _receiveBuffer0;
        }
        return true;
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
        IPolledSocket? polled;
        lock (_gate)
            polled = _polled;
        if (polled is not null)
            polled.Close();
        else
            _socket.Dispose();
    }

    /// <summary>Seconds since the oldest unanswered request started, for timeout messages.</summary>
    public static double Age(long startedTimestamp) => Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
}

/// <summary>Limits one connection works within.</summary>
/// <param name="ConnectTimeout">How long a connect may take.</param>
/// <param name="MaxInFlight">Requests without a reply beyond which new ones fail at once.</param>
/// <param name="InlineIo">Run the send and receive loops on the threads that call and complete them, not on an
/// <see cref="IoThread"/> (see <see cref="PipelinedConnection"/>): for callers that never block their threads. A
/// caller inside a <see cref="SendBatch"/> has its sends made at the end of the batch.</param>
/// <param name="Poller">An event loop that drives the socket instead of asynchronous calls (implies
/// <paramref name="InlineIo"/>; see <see cref="IConnectionPoller"/>).</param>
internal sealed record ConnectionSettings(TimeSpan ConnectTimeout, int MaxInFlight, bool InlineIo = false, IConnectionPoller? Poller = null);
