using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server.Meta;
using Hoard.Server.Statistics;
using Hoard.Storage;

namespace Hoard.Server.Text;

/// <summary>Executes text-protocol commands against the cache and writes memcached's replies.</summary>
public sealed class TextCommandHandler
{
    /// <summary>A multi-get pauses to send once its reply reaches this size, so one command cannot buffer without bound.</summary>
    public const int RetrievalFlushThreshold = 256 * 1024;

    private readonly ServerContext _context;
    private readonly CacheEngine _engine;
    private readonly MetaCommandHandler _meta;
    private readonly StatsReporter _stats;

    public TextCommandHandler(ServerContext context)
    {
        _context = context;
        _engine = context.Engine;
        _meta = new MetaCommandHandler(context.Engine);
        _stats = new StatsReporter(context);
    }

    /// <summary>
    /// Runs one parsed command. For retrievals, <paramref name="resumeOffset"/> is where in
    /// <see cref="TextCommand.Keys"/> to continue; it is updated when the outcome is <see cref="CommandOutcome.Partial"/>.
    /// </summary>
    public CommandOutcome Execute(scoped ref TextCommand command, OutputBuffer output, ref int resumeOffset)
    {
        switch (command.Kind)
        {
            case TextCommandKind.Get:
                return Retrieve(ref command, output, ref resumeOffset, withCas: false, touch: false);
            case TextCommandKind.Gets:
                return Retrieve(ref command, output, ref resumeOffset, withCas: true, touch: false);
            case TextCommandKind.Gat:
                return Retrieve(ref command, output, ref resumeOffset, withCas: false, touch: true);
            case TextCommandKind.Gats:
                return Retrieve(ref command, output, ref resumeOffset, withCas: true, touch: true);
            case TextCommandKind.Set:
            case TextCommandKind.Add:
            case TextCommandKind.Replace:
            case TextCommandKind.Append:
            case TextCommandKind.Prepend:
            case TextCommandKind.Cas:
                Store(ref command, output);
                return CommandOutcome.Continue;
            case TextCommandKind.Delete:
                Delete(ref command, output);
                return CommandOutcome.Continue;
            case TextCommandKind.Incr:
            case TextCommandKind.Decr:
                Arithmetic(ref command, output);
                return CommandOutcome.Continue;
            case TextCommandKind.Touch:
                Reply(output, command.NoReply, _engine.Touch(command.Key, command.Exptime) ? TextReplyWriter.Touched : TextReplyWriter.NotFound);
                return CommandOutcome.Continue;
            case TextCommandKind.FlushAll:
                if (_context.Options.DisableFlushAll)
                {
                    Reply(output, command.NoReply, "CLIENT_ERROR flush_all not allowed\r\n"u8);
                    return CommandOutcome.Continue;
                }
                _engine.FlushAll(command.Exptime);
                Reply(output, command.NoReply, TextReplyWriter.Ok);
                return CommandOutcome.Continue;
            case TextCommandKind.Version:
                output.Write("VERSION "u8);
                output.WriteAscii(_context.VersionText);
                output.Write("\r\n"u8);
                return CommandOutcome.Continue;
            case TextCommandKind.Verbosity:
                if (!TextCommandParser.TryParseInt64(command.Arguments, out long level) || level < 0)
                {
                    Reply(output, command.NoReply, ProtocolError.BadCommandLineFormat.Reply());
                    return CommandOutcome.Continue;
                }
                _context.Verbosity = (int)Math.Min(level, 3);
                Reply(output, command.NoReply, TextReplyWriter.Ok);
                return CommandOutcome.Continue;
            case TextCommandKind.CacheMemLimit:
                CacheMemLimit(ref command, output);
                return CommandOutcome.Continue;
            case TextCommandKind.Stats:
                if (!_stats.Write(command.Arguments, output))
                    output.Write(ProtocolError.UnknownCommand.Reply());
                return CommandOutcome.Continue;
            case TextCommandKind.RefreshCerts:
                RefreshCertificates(ref command, output);
                return CommandOutcome.Continue;
            case TextCommandKind.Quit:
                return CommandOutcome.Close;
            case TextCommandKind.Shutdown:
                return Shutdown(ref command, output);
            case TextCommandKind.MetaGet:
            case TextCommandKind.MetaSet:
            case TextCommandKind.MetaDelete:
            case TextCommandKind.MetaArithmetic:
            case TextCommandKind.MetaNoOp:
            case TextCommandKind.MetaDebug:
                _context.Statistics.AddMeta();
                _meta.Execute(ref command, output);
                return CommandOutcome.Continue;
            default:
                output.Write(ProtocolError.UnknownCommand.Reply());
                return CommandOutcome.Continue;
        }
    }

    /// <summary>
    /// A storage command whose data was refused before it arrived (too large). Like memcached, a failed
    /// <c>set</c> also removes the old value so a stale item does not outlive the write that replaced it.
    /// </summary>
    public void RefuseStore(scoped ref TextCommand command, OutputBuffer output)
    {
        _context.Statistics.AddStoreTooLarge();
        if (command.Kind == TextCommandKind.Set && TextCommandParser.IsValidKey(command.Key, _context.Options.LenientKeys))
            _engine.Delete(command.Key, default);
        Reply(output, command.NoReply, TextReplyWriter.TooLarge);
    }

    /// <summary>
    /// memcached's <c>refresh_certs</c>: new TLS connections get the certificate files as they are now. The
    /// replies are memcached's; errors are sent even with noreply, as memcached sends them.
    /// </summary>
    private void RefreshCertificates(scoped ref TextCommand command, OutputBuffer output)
    {
        if (_context.Tls is not { } tls)
        {
            output.Write("Error TLS not enabled\r\n"u8);
            return;
        }
        if (tls.Reload() is { } error)
        {
            // One line: a reason with a line break must not look like a second reply.
            output.WriteAscii(error.ReplaceLineEndings(" "));
            output.Write("\r\n"u8);
            return;
        }
        Reply(output, command.NoReply, TextReplyWriter.Ok);
    }

    private CommandOutcome Retrieve(scoped ref TextCommand command, OutputBuffer output, ref int resumeOffset, bool withCas, bool touch)
    {
        var tokens = new KeyTokenizer(command.Keys[resumeOffset..]);
        var reader = new ValueReplyReader(output, withCas);
        var options = new ReadOptions { Touch = touch, TouchExptime = command.Exptime, CountAsTouch = touch };
        bool prefixes = _context.Prefixes.Enabled;
        // Where this command's reply starts, unless part of it was already sent.
        int replyStart = resumeOffset == 0 ? output.Length : -1;
        long keys = 0;
        while (tokens.TryNext(out var key))
        {
            if (!TextCommandParser.IsValidKey(key, _context.Options.LenientKeys))
            {
                _context.Statistics.AddGet(keys);
                // memcached answers such a request with the error alone, not the values found before it.
                if (replyStart >= 0)
                    output.Truncate(replyStart);
                output.Write(ProtocolError.BadCommandLineFormat.Reply());
                return CommandOutcome.Continue;
            }
            keys++;
            var result = _engine.Read(key, in options, ref reader);
            if (prefixes)
                _context.Prefixes.RecordGet(key, result == ReadResult.Hit);
            if (output.Length >= RetrievalFlushThreshold && tokens.Remaining.Length > 0)
            {
                _context.Statistics.AddGet(keys);
                resumeOffset = command.Keys.Length - tokens.Remaining.Length;
                return CommandOutcome.Partial;
            }
        }
        _context.Statistics.AddGet(keys);
        output.Write(TextReplyWriter.End);
        return CommandOutcome.Continue;
    }

    private void Store(scoped ref TextCommand command, OutputBuffer output)
    {
        var request = new StoreRequest
        {
            Mode = command.Kind switch
            {
                TextCommandKind.Add => StoreMode.Add,
                TextCommandKind.Replace => StoreMode.Replace,
                TextCommandKind.Append => StoreMode.Append,
                TextCommandKind.Prepend => StoreMode.Prepend,
                TextCommandKind.Cas => StoreMode.Cas,
                _ => StoreMode.Set,
            },
            ClientFlags = command.Flags,
            Exptime = command.Exptime,
            CompareCas = command.CasUnique,
        };
        var result = _engine.Store(in request, command.Key, command.Value, out _);
        if (_context.Prefixes.Enabled)
            _context.Prefixes.RecordSet(command.Key);
        switch (result)
        {
            case StoreResult.Stored:
                Reply(output, command.NoReply, TextReplyWriter.Stored);
                break;
            case StoreResult.NotStored:
                Reply(output, command.NoReply, TextReplyWriter.NotStored);
                break;
            case StoreResult.Exists:
                Reply(output, command.NoReply, TextReplyWriter.Exists);
                break;
            case StoreResult.NotFound:
                Reply(output, command.NoReply, TextReplyWriter.NotFound);
                break;
            case StoreResult.TooLarge:
                RefuseStore(ref command, output);
                break;
            default:
                _context.Statistics.AddStoreNoMemory();
                if (command.Kind == TextCommandKind.Set)
                    _engine.Delete(command.Key, default);
                Reply(output, command.NoReply, TextReplyWriter.OutOfMemory);
                break;
        }
    }

    private void Delete(scoped ref TextCommand command, OutputBuffer output)
    {
        var result = _engine.Delete(command.Key, default);
        if (_context.Prefixes.Enabled)
            _context.Prefixes.RecordDelete(command.Key);
        Reply(output, command.NoReply, result == DeleteResult.Deleted ? TextReplyWriter.Deleted : TextReplyWriter.NotFound);
    }

    private void Arithmetic(scoped ref TextCommand command, OutputBuffer output)
    {
        var request = new ArithmeticRequest { Decrement = command.Kind == TextCommandKind.Decr, Delta = command.Delta };
        switch (_engine.Arithmetic(command.Key, in request, out var reply))
        {
            case ArithmeticResult.Ok:
                if (!command.NoReply)
                    TextReplyWriter.WriteNumber(output, reply.Value);
                break;
            case ArithmeticResult.NonNumeric:
                Reply(output, command.NoReply, TextReplyWriter.NonNumeric);
                break;
            case ArithmeticResult.OutOfMemory:
                Reply(output, command.NoReply, "SERVER_ERROR out of memory\r\n"u8);
                break;
            default:
                Reply(output, command.NoReply, TextReplyWriter.NotFound);
                break;
        }
    }

    private void CacheMemLimit(scoped ref TextCommand command, OutputBuffer output)
    {
        if (!TextCommandParser.TryParseInt64(command.Arguments, out long megabytes) || megabytes < 0)
        {
            Reply(output, command.NoReply, ProtocolError.BadCommandLineFormat.Reply());
            return;
        }
        // As memcached: the number is kept to 32 bits and more than 10^9 megabytes is refused, so the byte count
        // cannot overflow (it once wrapped to a negative limit that threw, or to a tiny one that evicted everything).
        megabytes = (uint)megabytes;
        if (megabytes < 8)
        {
            Reply(output, command.NoReply, "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n"u8);
            return;
        }
        if (megabytes > 1_000_000_000)
        {
            Reply(output, command.NoReply, "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n"u8);
            return;
        }
        _engine.SetMemoryLimit(megabytes * 1024 * 1024);
        Reply(output, command.NoReply, TextReplyWriter.Ok);
    }

    private CommandOutcome Shutdown(scoped ref TextCommand command, OutputBuffer output)
    {
        if (!_context.Options.EnableShutdownCommand)
        {
            output.Write("ERROR: shutdown not enabled\r\n"u8);
            return CommandOutcome.Continue;
        }
        var mode = command.Arguments.Trim((byte)' ');
        if (mode.Length > 0 && !mode.SequenceEqual("graceful"u8))
        {
            output.Write(ProtocolError.UnknownCommand.Reply());
            return CommandOutcome.Continue;
        }
        return CommandOutcome.Shutdown;
    }

    private static void Reply(OutputBuffer output, bool noReply, ReadOnlySpan<byte> reply)
    {
        if (!noReply)
            output.Write(reply);
    }

    private readonly struct ValueReplyReader(OutputBuffer output, bool withCas) : IItemReader
    {
        public void Read(scoped in ItemView item) =>
            TextReplyWriter.WriteValue(output, item.Key, item.ClientFlags, item.Value, item.Cas, withCas);
    }
}
