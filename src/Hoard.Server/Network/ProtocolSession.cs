using System.Buffers;
using Hoard.Protocol;
using Hoard.Protocol.Binary;
using Hoard.Protocol.Text;
using Hoard.Server.Binary;
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
    /// <summary>Chosen by the connection's first byte (see <see cref="ChooseProtocol"/>) and kept for its life.</summary>
    private WireProtocol _protocol;
    /// <summary>Created when the connection turns out to speak the binary protocol; holds its SASL state.</summary>
    private BinaryCommandHandler? _binary;
    /// <summary>Where in <see cref="Output"/> the reply of the command being run starts, for <see cref="ReplyLimit"/>.</summary>
    private int _replyStart;

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

    /// <summary>
    /// Most bytes <see cref="Output"/> may hold before it is sent: UDP's bound against reflection attacks (a
    /// datagram's reply is sent whole, at the end). The command that would pass it answers
    /// <see cref="ReplyTooLarge"/> instead and the rest of the input is dropped. Stream transports send as they
    /// go and leave it unlimited.
    /// </summary>
    public int ReplyLimit { get; init; } = int.MaxValue;

    /// <summary>Whether a reply was refused for passing <see cref="ReplyLimit"/> since the last <see cref="LoadDatagram"/>.</summary>
    public bool ReplyLimitReached { get; private set; }

    /// <summary>The answer of a command whose reply would pass <see cref="ReplyLimit"/>.</summary>
    public static ReadOnlySpan<byte> ReplyTooLarge => "SERVER_ERROR reply too large for UDP\r\n"u8;

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

    /// <summary>
    /// Datagram transports (UDP): makes <paramref name="request"/> the whole input, forgetting what the previous
    /// datagram left (a command cut off at its end, data being skipped), since each datagram stands alone.
    /// </summary>
    public void LoadDatagram(ReadOnlySpan<byte> request)
    {
        _start = _end = 0;
        _swallowRemaining = 0;
        _resumeOffset = 0;
        _searchedWithoutNewline = 0;
        _processedSinceYield = 0;
        ReplyLimitReached = false;
        // memcached picks the protocol of every datagram by its first byte, not once per socket.
        _protocol = WireProtocol.Undecided;
        if (_receive.Length < request.Length)
        {
            ArrayPool<byte>.Shared.Return(_receive);
            _receive = ArrayPool<byte>.Shared.Rent(request.Length);
        }
        request.CopyTo(_receive);
        _end = request.Length;
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
    }

    /// <summary>Parses and executes every complete command in the buffer, writing replies to <see cref="Output"/>.</summary>
    public NextStep Process()
    {
        if (_protocol != WireProtocol.Text)
        {
            if (_protocol == WireProtocol.Undecided)
            {
                if (_start == _end)
                    return NextStep.Receive;
                ChooseProtocol();
            }
            if (_protocol == WireProtocol.Binary)
                return ProcessBinary();
        }
        while (true)
        {
            if (!HasInputToParse())
                return NextStep.Receive;

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
            if (_resumeOffset == 0)
                _replyStart = Output.Length;
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
                if (Output.Length > ReplyLimit - ReplyTooLarge.Length)
                    return RefuseOversizedReply();
                continue;
            }

            if (_awaitingAsciiAuth)
            {
                _start += consumed;
                AuthenticateAscii(ref command);
                continue;
            }

            var outcome = _handler.Execute(ref command, Output, ref _resumeOffset);
            if (Output.Length > ReplyLimit - ReplyTooLarge.Length)
                return RefuseOversizedReply();
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
    /// The command that took the reply past <see cref="ReplyLimit"/> answers with the error alone (as memcached
    /// answers a get with a bad key), and the rest of the input is not run: its replies could not be sent.
    /// </summary>
    private NextStep RefuseOversizedReply()
    {
        Output.Truncate(_replyStart);
        Output.Write(ReplyTooLarge);
        ReplyLimitReached = true;
        _resumeOffset = 0;
        _swallowRemaining = 0;
        _start = _end;
        return NextStep.Close;
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

    /// <summary>
    /// memcached's <c>-B</c>: with <c>auto</c> a first byte of 0x80 (the binary request magic) makes this a binary
    /// connection, anything else a text one. <c>-B binary</c> and <c>-S</c> parse everything as binary (a text
    /// command then fails the magic check and the connection closes); <c>-B ascii</c> and <c>-Y</c> parse
    /// everything as text, as memcached does.
    /// </summary>
    private void ChooseProtocol()
    {
        var options = _context.Options;
        bool textOnly = options.Protocol == ProtocolMode.Ascii || options.AsciiAuthFile is not null;
        bool binaryOnly = options.Protocol == ProtocolMode.Binary || options.SaslEnabled;
        if (textOnly || (!binaryOnly && _receive[_start] != BinaryRequestHeader.RequestMagic))
        {
            _protocol = WireProtocol.Text;
            return;
        }
        _protocol = WireProtocol.Binary;
        // A UDP session is reused for datagrams of every client: none inherits another's authentication.
        if (_binary is null)
            _binary = new BinaryCommandHandler(_context);
        else
            _binary.ForgetConnectionState();
    }

    /// <summary>
    /// The binary protocol's loop, with the text loop's machinery: requests parsed in place, refused values
    /// skipped unbuffered, replies flushed at the threshold, and <c>-R</c> yields.
    /// </summary>
    /// <summary>Skips what is left of a refused value; false when there is nothing to parse until more bytes arrive.</summary>
    private bool HasInputToParse()
    {
        if (_swallowRemaining > 0)
        {
            int skip = (int)Math.Min(_swallowRemaining, _end - _start);
            _start += skip;
            _swallowRemaining -= skip;
            if (_swallowRemaining > 0)
                return false;
        }
        if (_start == _end)
        {
            _processedSinceYield = 0;
            return false;
        }
        return true;
    }

    private NextStep ProcessBinary()
    {
        var handler = _binary!;
        while (true)
        {
            if (!HasInputToParse())
                return NextStep.Receive;

            var pending = _receive.AsSpan(_start, _end - _start);
            var status = BinaryRequestParser.TryReadHeader(pending, out var header);
            if (status == BinaryParseStatus.Incomplete)
            {
                _processedSinceYield = 0;
                return NextStep.Receive;
            }
            if (status == BinaryParseStatus.BadMagic)
                return NextStep.Close;   // memcached closes without a reply: the framing is lost
            if (status == BinaryParseStatus.BadLengths)
            {
                BinaryResponseWriter.WriteError(Output, header.Opcode, BinaryStatus.UnknownCommand, header.Opaque);
                return NextStep.Close;
            }

            var verdict = handler.Inspect(in header, Output);
            if (verdict != HeaderVerdict.Execute)
            {
                if (_logCommands)
                    LogBinaryCommand(in header, pending);
                if (verdict == HeaderVerdict.Close)
                    return NextStep.Close;
                _start += BinaryRequestHeader.Size;
                _swallowRemaining = header.BodyLength;
                continue;
            }
            if (pending.Length < header.FrameLength)
            {
                // A value too large is refused once its key is here, and skipped as it arrives, never buffered.
                if (handler.IsTooLarge(in header) && pending.Length >= header.PrefixLength)
                {
                    if (_logCommands)
                        LogBinaryCommand(in header, pending);
                    handler.RefuseTooLarge(in header, pending.Slice(BinaryRequestHeader.Size + header.ExtrasLength, header.KeyLength), Output);
                    _start += BinaryRequestHeader.Size;
                    _swallowRemaining = header.BodyLength;
                    continue;
                }
                _processedSinceYield = 0;
                return NextStep.Receive;
            }

            BinaryRequestParser.TryParse(pending, out var request);
            if (_logCommands)
                LogBinaryCommand(in header, pending);
            var outcome = handler.Execute(in request, Output);
            _start += (int)header.FrameLength;
            if (outcome == CommandOutcome.Close)
                return NextStep.Close;
            if (Output.Length >= FlushThreshold)
                return NextStep.FlushAndContinue;
            if (++_processedSinceYield >= _context.Options.RequestsPerEvent && _start < _end)
            {
                _processedSinceYield = 0;
                return NextStep.Yield;
            }
        }
    }

    private void LogBinaryCommand(in BinaryRequestHeader header, ReadOnlySpan<byte> pending)
    {
        // The opcode and, once it has arrived, the key; values are not logged.
        var key = pending.Length >= header.PrefixLength
            ? pending.Slice(BinaryRequestHeader.Size + header.ExtrasLength, header.KeyLength)
            : default;
        string opcode = BinaryOpcodes.IsKnown(header.Opcode) ? header.Opcode.ToString() : $"0x{(byte)header.Opcode:x2}";
        string text = key.IsEmpty ? opcode : $"{opcode} {System.Text.Encoding.ASCII.GetString(key)}";
        Log.BinaryCommand(_context.Logger, _connectionId, text);
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

/// <summary>Which wire protocol a stream connection speaks; decided by its first byte.</summary>
internal enum WireProtocol : byte
{
    Undecided,
    Text,
    Binary,
}
