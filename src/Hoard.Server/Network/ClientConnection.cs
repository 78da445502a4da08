using System.Buffers;
using System.Net.Sockets;
using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server.Text;

namespace Hoard.Server.Network;

/// <summary>
/// One client connection: receives into a buffer, parses and executes every complete command in place,
/// and sends the batch of replies with one call. Replies go out in request order.
/// </summary>
internal sealed class ClientConnection : IDisposable
{
    private const int InitialReceiveSize = 16 * 1024;
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly OutputBuffer _output = new();
    private readonly ParserLimits _limits;
    private readonly int _maxReceiveSize;
    private byte[] _receive;
    private int _start;
    private int _end;
    private long _swallowRemaining;
    private int _resumeOffset;
    private long _lastActivity = Environment.TickCount64;
    private int _disposed;

    public ClientConnection(Socket socket, ServerContext context, TextCommandHandler handler)
    {
        _socket = socket;
        _context = context;
        _handler = handler;
        var options = context.Options;
        _limits = new ParserLimits(options.MaxLineLength, Math.Max(options.MaxLineLength, options.MaxItemSize), options.MaxItemSize, options.LenientKeys);
        // The largest command that can be complete: a line plus a data block of the largest item.
        _maxReceiveSize = Math.Max(_limits.MaxRetrievalLineLength + 2, options.MaxItemSize + options.MaxLineLength + 2);
        _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
    }

    /// <summary>Milliseconds (Environment.TickCount64) of the last bytes received.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!MakeRoom())
                    return;
                int received = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                    return;
                _end += received;
                _context.Statistics.AddBytesRead(received);
                Volatile.Write(ref _lastActivity, Environment.TickCount64);

                while (true)
                {
                    var next = ProcessBuffered();
                    if (_output.Length > 0)
                        await FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (next == NextStep.Receive)
                        break;
                    if (next == NextStep.Close)
                        return;
                    if (next == NextStep.Shutdown)
                    {
                        _context.RequestShutdown?.Invoke();
                        return;
                    }
                    if (next == NextStep.Yield)
                    {
                        // memcached's -R: after that many requests let other connections run.
                        _context.Statistics.AddYield();
                        await Task.Yield();
                    }
                }
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Dispose();
            ReleaseBuffers();
        }
    }

    /// <summary>Closes the socket; a pending receive ends and the loop exits.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    private enum NextStep : byte
    {
        Receive,
        FlushAndContinue,
        Yield,
        Close,
        Shutdown,
    }

    private NextStep ProcessBuffered()
    {
        int processed = 0;
        while (true)
        {
            if (_swallowRemaining > 0)
            {
                int skip = (int)Math.Min(_swallowRemaining, _end - _start);
                _start += skip;
                _swallowRemaining -= skip;
                if (_swallowRemaining > 0)
                    return NextStep.Receive;
            }
            if (_start == _end)
                return NextStep.Receive;

            var status = TextCommandParser.TryParse(_receive.AsSpan(_start, _end - _start), in _limits, out var command, out int consumed);
            if (status == ParseStatus.Incomplete)
                return NextStep.Receive;
            if (status == ParseStatus.Error)
            {
                _start += consumed;
                switch (command.Error)
                {
                    case ProtocolError.LineTooLong:
                        _output.Write(command.Error.Reply());
                        return NextStep.Close;
                    case ProtocolError.ObjectTooLarge:
                        _handler.RefuseStore(ref command, _output);
                        _swallowRemaining = command.SwallowBytes;
                        break;
                    default:
                        if (!command.NoReply)
                            _output.Write(command.Error.Reply());
                        break;
                }
                continue;
            }

            var outcome = _handler.Execute(ref command, _output, ref _resumeOffset);
            if (outcome == CommandOutcome.Partial)
                return NextStep.FlushAndContinue;
            _resumeOffset = 0;
            _start += consumed;
            if (outcome == CommandOutcome.Close)
                return NextStep.Close;
            if (outcome == CommandOutcome.Shutdown)
                return NextStep.Shutdown;
            if (_output.Length >= FlushThreshold)
                return NextStep.FlushAndContinue;
            if (++processed >= _context.Options.RequestsPerEvent && _start < _end)
                return NextStep.Yield;
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _output.WrittenMemory;
        while (pending.Length > 0)
        {
            int sent = await _socket.SendAsync(pending, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            pending = pending[sent..];
        }
        _context.Statistics.AddBytesWritten(_output.Length);
        _output.Reset();
    }

    /// <summary>Makes free space at the end of the receive buffer: resets, compacts or grows it. False when a command cannot fit.</summary>
    private bool MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_receive.Length > InitialReceiveSize)
            {
                ArrayPool<byte>.Shared.Return(_receive);
                _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
            }
            return true;
        }
        if (_end < _receive.Length)
            return true;
        if (_start > 0)
        {
            _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
            _end -= _start;
            _start = 0;
            return true;
        }
        if (_receive.Length >= _maxReceiveSize)
            return false;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_receive.Length * 2, _maxReceiveSize));
        _receive.AsSpan(0, _end).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_receive);
        _receive = bigger;
        return true;
    }

    private void ReleaseBuffers()
    {
        _output.Dispose();
        var receive = Interlocked.Exchange(ref _receive, []);
        if (receive.Length > 0)
            ArrayPool<byte>.Shared.Return(receive);
    }
}
