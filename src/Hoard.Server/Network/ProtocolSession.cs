using System.Buffers;
using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server.Text;

namespace Hoard.Server.Network;

/// <summary>What a transport does after <see cref="ProtocolSession.Process"/>.</summary>
internal enum NextStep : byte
{
    /// <summary>Send the replies, then wait for more bytes.</summary>
    Receive,
    /// <summary>Send the replies, then call <see cref="ProtocolSession.Process"/> again (a large reply is draining).</summary>
    FlushAndContinue,
    /// <summary>Send the replies and let other connections run before processing the rest (memcached's <c>-R</c>).</summary>
    Yield,
    Close,
    Shutdown,
}

/// <summary>
/// The protocol side of one connection, independent of how bytes move: a receive buffer that commands are
/// parsed from in place, the reply buffer, and the state that spans reads (data being discarded, a
/// multi-get being resumed). Transports fill the buffer, call <see cref="Process"/>, and send the output.
/// </summary>
internal sealed class ProtocolSession : IDisposable
{
    private const int InitialReceiveSize = 16 * 1024;
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Longest get/gets/gat/gats line (thousands of keys). Fixed rather than tied to <c>-I</c>, so a large item
    /// limit does not let one unterminated line grow a connection's buffer to gigabytes.
    /// </summary>
    private const int MaxRetrievalLineLength = 1024 * 1024;

    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly ParserLimits _limits;
    private readonly int _maxReceiveSize;
    private byte[] _receive;
    private int _start;
    private int _end;
    private long _swallowRemaining;
    private int _resumeOffset;
    private long _lastActivity = Environment.TickCount64;
    private int _processedSinceYield;
    private int _searchedWithoutNewline;
    private readonly long _connectionId;
    private readonly bool _logCommands;
    /// <summary>memcached's <c>-Y</c>: until a <c>set</c> carries valid credentials, nothing else is served.</summary>
    private bool _awaitingAsciiAuth;

    public ProtocolSession(ServerContext context, TextCommandHandler handler, long connectionId)
    {
        _context = context;
        _handler = handler;
        _connectionId = connectionId;
        _logCommands = context.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug);
        var options = context.Options;
        _limits = new ParserLimits(options.MaxLineLength, Math.Max(options.MaxLineLength, MaxRetrievalLineLength), options.MaxItemSize, options.LenientKeys);
        // The largest command that can be complete: a line plus a data block of the largest item.
        _maxReceiveSize = Math.Max(_limits.MaxRetrievalLineLength + 2, options.MaxItemSize + options.MaxLineLength + 2);
        _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
        _awaitingAsciiAuth = options.AsciiAuthFile is not null;
    }

    public OutputBuffer Output { get; } = new();

    /// <summary>Milliseconds (Environment.TickCount64) of the last bytes received.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>The free space to receive into; valid after <see cref="MakeRoom"/> returned true.</summary>
    public Memory<byte> ReceiveMemory => _receive.AsMemory(_end);

    public Span<byte> ReceiveSpan => _receive.AsSpan(_end);

    /// <summary>Makes free space at the end of the receive buffer: resets, compacts or grows it. False when a command cannot fit.</summary>
    public bool MakeRoom()
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

    public void Received(int count)
    {
        _end += count;
        _context.Statistics.AddBytesRead(count);
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
    }

    /// <summary>Parses and executes every complete command in the buffer, writing replies to <see cref="Output"/>.</summary>
    public NextStep Process()
    {
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
            {
                _processedSinceYield = 0;
                return NextStep.Receive;
            }

            var pending = _receive.AsSpan(_start, _end - _start);
            var status = TextCommandParser.TryParse(pending, in _limits, _searchedWithoutNewline, out var command, out int consumed);
            if (status == ParseStatus.Incomplete)
            {
                // Remember how far there is no newline, unless the line is whole and its data block is awaited.
                if (pending[_searchedWithoutNewline..].IndexOf((byte)'\n') < 0)
                    _searchedWithoutNewline = pending.Length;
                _processedSinceYield = 0;
                return NextStep.Receive;
            }
            _searchedWithoutNewline = 0;
            if (_logCommands && _resumeOffset == 0)
                LogCommand(consumed);
            if (status == ParseStatus.Error)
            {
                _start += consumed;
                switch (command.Error)
                {
                    case ProtocolError.LineTooLong:
                        Output.Write(command.Error.Reply());
                        return NextStep.Close;
                    case ProtocolError.ObjectTooLarge:
                        _handler.RefuseStore(ref command, Output);
                        _swallowRemaining = command.SwallowBytes;
                        break;
                    default:
                        if (!command.NoReply)
                            Output.Write(command.Error.Reply());
                        break;
                }
                continue;
            }

            if (_awaitingAsciiAuth)
            {
                _start += consumed;
                AuthenticateAscii(ref command);
                continue;
            }

            var outcome = _handler.Execute(ref command, Output, ref _resumeOffset);
            if (outcome == CommandOutcome.Partial)
                return NextStep.FlushAndContinue;
            _resumeOffset = 0;
            _start += consumed;
            if (outcome == CommandOutcome.Close)
                return NextStep.Close;
            if (outcome == CommandOutcome.Shutdown)
                return NextStep.Shutdown;
            if (Output.Length >= FlushThreshold)
                return NextStep.FlushAndContinue;
            // Counted across flushes, so large replies cannot dodge the -R limit.
            if (++_processedSinceYield >= _context.Options.RequestsPerEvent && _start < _end)
            {
                _processedSinceYield = 0;
                return NextStep.Yield;
            }
        }
    }

    /// <summary>
    /// memcached's ASCII authentication: <c>set &lt;any key&gt; &lt;flags&gt; &lt;exptime&gt; &lt;bytes&gt;</c> whose data is
    /// <c>user password</c>. The replies are memcached's, including <c>STORED</c> for success (with or without
    /// noreply, as memcached answers); nothing is stored.
    /// </summary>
    private void AuthenticateAscii(scoped ref TextCommand command)
    {
        if (command.Kind != TextCommandKind.Set)
        {
            Output.Write("CLIENT_ERROR unauthenticated\r\n"u8);
            return;
        }
        var data = command.Value;
        int space = data.IndexOf((byte)' ');
        var user = space > 0 ? data[..space] : default;
        var rest = space > 0 ? data[(space + 1)..].TrimStart((byte)' ') : default;
        int end = rest.IndexOf((byte)' ');
        var password = end >= 0 ? rest[..end] : rest;
        if (user.IsEmpty || password.IsEmpty)
        {
            Output.Write("CLIENT_ERROR bad authentication token format\r\n"u8);
            return;
        }
        if (_context.Authenticator!.Verify(user, password))
        {
            _awaitingAsciiAuth = false;
            Output.Write(TextReplyWriter.Stored);
        }
        else
        {
            Output.Write("CLIENT_ERROR authentication failure\r\n"u8);
        }
    }

    private void LogCommand(int consumed)
    {
        // The command line only (not the data block), cut at memcached's key-length-sized limit.
        var bytes = _receive.AsSpan(_start, consumed);
        int newline = bytes.IndexOf((byte)'\n');
        var line = (newline >= 0 ? bytes[..newline] : bytes).TrimEnd((byte)'\r');
        if (line.Length > 300)
            line = line[..300];
        string text = System.Text.Encoding.ASCII.GetString(line);
        Log.Command(_context.Logger, _connectionId, text);
    }

    /// <summary>Counts the sent replies and empties the output buffer.</summary>
    public void OutputSent()
    {
        // Sending counts as activity: a client slowly reading a large reply is not idle.
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        _context.Statistics.AddBytesWritten(Output.Length);
        Output.Reset();
    }

    public void Dispose()
    {
        Output.Dispose();
        var receive = Interlocked.Exchange(ref _receive, []);
        if (receive.Length > 0)
            ArrayPool<byte>.Shared.Return(receive);
    }
}
