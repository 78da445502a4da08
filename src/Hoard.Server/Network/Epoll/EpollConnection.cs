using System.Net.Sockets;
using Hoard.Server.Text;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Server.Network.Epoll;

/// <summary>
/// A connection served by an <see cref="EpollWorker"/>: read, process and write run synchronously on the
/// worker's thread, as in memcached's worker loop. Every member is called on that thread, except
/// <see cref="Dispose"/> which only asks the worker to close it.
/// </summary>
internal sealed unsafe class EpollConnection : IServerConnection, IEpollSocket
{
    private readonly Socket _socket;
    private readonly EpollWorker _worker;
    private readonly ServerContext _context;
    private readonly ProtocolSession _session;
    private int _sentOffset;
    private bool _waitingForWritable;
    private bool _yielded;
    private bool _peerClosed;
    private NextStep _afterDrain;
    private bool _closed;

    public EpollConnection(Socket socket, EpollWorker worker, ServerContext context, TextCommandHandler handler, long id)
    {
        _socket = socket;
        _worker = worker;
        _context = context;
        Id = id;
        _session = new ProtocolSession(context, handler, id);
        Descriptor = (int)socket.SafeHandle.DangerousGetHandle();
    }

    public int Descriptor { get; }

    public long Id { get; }

    public long LastActivity => _session.LastActivity;

    public bool IsClosed => _closed;

    public EpollWorker Worker => _worker;

    public void OnEvents(uint ready)
    {
        if ((ready & EPOLLOUT) != 0)
            OnWritable();
        if ((ready & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0)
            OnReadable();
    }

    /// <summary>Reads what the socket has (until it would block) and serves every complete command.</summary>
    public void OnReadable()
    {
        // While a reply is blocked or the connection yielded, buffered commands come first: reading now
        // could meet the client's FIN and close with those commands unserved.
        if (_waitingForWritable || _yielded || _peerClosed)
            return;
        while (!_closed)
        {
            if (!_session.MakeRoom())
            {
                Close();
                return;
            }
            var space = _session.ReceiveSpan;
            switch (ReceiveInto(Descriptor, space, out int received))
            {
                case ReceiveOutcome.Data:
                    _session.Received(received);
                    if (!Serve())
                        return;
                    // A short read means the socket is drained; level-triggered epoll reports any later bytes.
                    if (received < space.Length)
                        return;
                    continue;
                case ReceiveOutcome.EndOfStream:
                    // The client finished sending; what it sent is still answered (memcached does the same).
                    _peerClosed = true;
                    _worker.WatchNothing(this);
                    if (Serve())
                        Close();
                    return;
                case ReceiveOutcome.WouldBlock:
                    return;
                default:
                    Close();
                    return;
            }
        }
    }

    /// <summary>The socket can take more of a reply that did not fit before.</summary>
    public void OnWritable()
    {
        if (!TrySendOutput())
            return;
        _waitingForWritable = false;
        if (_peerClosed)
            _worker.WatchNothing(this);
        else
            _worker.WatchReadable(this);
        if (Continue(_afterDrain))
            AfterServed();
    }

    /// <summary>Continues after a <see cref="NextStep.Yield"/>.</summary>
    public void Resume()
    {
        _yielded = false;
        if (!_closed && !_waitingForWritable && Serve())
            AfterServed();
    }

    /// <summary>Asks the worker to close this connection (idle timeout, server stop); safe from any thread.</summary>
    public void Dispose() => _worker.RequestClose(this);

    /// <summary>Closes on the worker thread.</summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        _worker.Forget(this);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
        _session.Dispose();
    }

    /// <summary>Everything buffered was served: close if the client is gone, else read on.</summary>
    private void AfterServed()
    {
        if (_peerClosed)
            Close();
        else
            OnReadable();
    }

    /// <summary>Processes buffered commands and sends replies; false when the connection closed, yielded or must wait to write.</summary>
    private bool Serve()
    {
        while (true)
        {
            var next = _session.Process();
            if (_session.Output.Length > 0 && !TrySendOutput())
            {
                if (_closed)
                    return false;
                // The client is not reading: stop reading from it until the reply drains (back-pressure),
                // then carry out what the last command asked for (close, shut down, or carry on).
                _waitingForWritable = true;
                _afterDrain = next;
                _worker.WatchWritable(this);
                return false;
            }
            if (next != NextStep.FlushAndContinue)
                return Continue(next);
        }
    }

    /// <summary>Acts on what the session asked for once its replies are sent; true when it is waiting for input.</summary>
    private bool Continue(NextStep next)
    {
        switch (next)
        {
            case NextStep.Receive:
                return true;
            case NextStep.FlushAndContinue:
                return Serve();
            case NextStep.Yield:
                _context.Statistics.AddYield();
                _yielded = true;
                _worker.Defer(this);
                return false;
            case NextStep.Shutdown:
                Close();
                _context.RequestShutdown?.Invoke();
                return false;
            default:
                Close();
                return false;
        }
    }

    /// <summary>Sends the pending output; false when the socket would block before all of it went out.</summary>
    private bool TrySendOutput()
    {
        switch (SendPending(Descriptor, _session.Output.WrittenSpan, ref _sentOffset))
        {
            case SendOutcome.Sent:
                _sentOffset = 0;
                _session.OutputSent();
                return true;
            case SendOutcome.WouldBlock:
                return false;
            default:
                Close();
                return false;
        }
    }
}
