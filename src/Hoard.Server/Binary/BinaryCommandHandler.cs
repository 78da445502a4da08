using System.Buffers.Binary;
using Hoard.Protocol;
using Hoard.Protocol.Binary;
using Hoard.Server.Statistics;
using Hoard.Server.Text;
using Hoard.Storage;

namespace Hoard.Server.Binary;

/// <summary>
/// Executes memcached's binary protocol against the cache with the text protocol's semantics, replying as
/// memcached 1.6.18 does. One per binary connection: it holds the connection's SASL state.
/// </summary>
internal sealed class BinaryCommandHandler
{
    /// <summary>memcached's "don't create" expiration for incr/decr on a missing key.</summary>
    private const uint NoCreateExptime = 0xffffffff;

    private readonly ServerContext _context;
    private readonly CacheEngine _engine;
    private readonly StatsReporter _stats;
    private readonly SaslPlainAuthentication _sasl;

    public BinaryCommandHandler(ServerContext context)
    {
        _context = context;
        _engine = context.Engine;
        _stats = new StatsReporter(context);
        _sasl = new SaslPlainAuthentication(context);
    }

    /// <summary>Starts over as for a new connection (a reused UDP session): not authenticated.</summary>
    public void ForgetConnectionState() => _sasl.Reset();

    /// <summary>
    /// Judges a request from its header alone, so a refused request is answered without waiting for (or
    /// buffering) its body: the authentication gate, unknown opcodes, lengths the opcode does not take.
    /// </summary>
    public HeaderVerdict Inspect(in BinaryRequestHeader header, OutputBuffer output)
    {
        var opcode = header.Opcode;
        if (!_sasl.Permits(opcode))
        {
            // memcached 1.6 with -S: anything but SASL and version before authenticating ends the connection.
            BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.AuthenticationError, header.Opaque);
            return HeaderVerdict.Close;
        }
        bool sasl = opcode is BinaryOpcode.SaslListMechanisms or BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep;
        if (!BinaryOpcodes.IsKnown(opcode) || (sasl && !_context.Options.SaslEnabled))
        {
            BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.UnknownCommand, header.Opaque);
            return HeaderVerdict.SkipBody;
        }
        if (!BinaryOpcodes.HasValidShape(in header) || (sasl && header.ValueLength > SaslPlainAuthentication.MaxMessageLength))
        {
            BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.InvalidArguments, header.Opaque);
            return HeaderVerdict.Close;
        }
        return HeaderVerdict.Execute;
    }

    /// <summary>Whether a storage request's value cannot fit in an item, judged from the header.</summary>
    public bool IsTooLarge(in BinaryRequestHeader header) =>
        BinaryOpcodes.IsStorage(header.Opcode)
        && (header.ValueLength > _engine.MaxItemSize || CacheEngine.ItemSize(header.KeyLength, (int)header.ValueLength) > _engine.MaxItemSize);

    /// <summary>
    /// A storage request refused for its size (before or after its value arrived). As in memcached, a failed
    /// set also removes the old value, so a stale item does not outlive the write that replaced it.
    /// </summary>
    public void RefuseTooLarge(in BinaryRequestHeader header, ReadOnlySpan<byte> key, OutputBuffer output)
    {
        _context.Statistics.AddStoreTooLarge();
        if (BinaryOpcodes.Loud(header.Opcode) == BinaryOpcode.Set)
            _engine.Delete(key, default);
        BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.ValueTooLarge, header.Opaque);
    }

    /// <summary>Runs one whole request that passed <see cref="Inspect"/>.</summary>
    public CommandOutcome Execute(scoped in BinaryRequest request, OutputBuffer output)
    {
        var opcode = request.Opcode;
        switch (BinaryOpcodes.Loud(opcode))
        {
            case BinaryOpcode.Get:
            case BinaryOpcode.GetK:
                Retrieve(in request, output, touch: false);
                break;
            case BinaryOpcode.GetAndTouch:
            case BinaryOpcode.GetAndTouchK:
                Retrieve(in request, output, touch: true);
                break;
            case BinaryOpcode.Touch:
                Touch(in request, output);
                break;
            case BinaryOpcode.Set:
            case BinaryOpcode.Add:
            case BinaryOpcode.Replace:
            case BinaryOpcode.Append:
            case BinaryOpcode.Prepend:
                Store(in request, output);
                break;
            case BinaryOpcode.Delete:
                Delete(in request, output);
                break;
            case BinaryOpcode.Increment:
            case BinaryOpcode.Decrement:
                Arithmetic(in request, output);
                break;
            case BinaryOpcode.Flush:
                Flush(in request, output);
                break;
            case BinaryOpcode.Noop:
                BinaryResponseWriter.WriteSuccess(output, opcode, request.Header.Opaque);
                break;
            case BinaryOpcode.Version:
                Version(in request, output);
                break;
            case BinaryOpcode.Verbosity:
                _context.Verbosity = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(request.Extras), 3u);
                BinaryResponseWriter.WriteSuccess(output, opcode, request.Header.Opaque);
                break;
            case BinaryOpcode.Stat:
                Stat(in request, output);
                break;
            case BinaryOpcode.Quit:
                if (opcode == BinaryOpcode.Quit)
                    BinaryResponseWriter.WriteSuccess(output, opcode, request.Header.Opaque);
                return CommandOutcome.Close;
            case BinaryOpcode.SaslListMechanisms:
                BinaryResponseWriter.Write(output, opcode, BinaryStatus.Success, request.Header.Opaque, 0, default, default, SaslPlainAuthentication.Mechanisms);
                break;
            case BinaryOpcode.SaslAuthenticate:
            case BinaryOpcode.SaslStep:
                _sasl.Authenticate(in request, output);
                break;
            default:
                BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.UnknownCommand, request.Header.Opaque);
                break;
        }
        return CommandOutcome.Continue;
    }

    private void Retrieve(scoped in BinaryRequest request, OutputBuffer output, bool touch)
    {
        var opcode = request.Opcode;
        bool withKey = BinaryOpcodes.Loud(opcode) is BinaryOpcode.GetK or BinaryOpcode.GetAndTouchK;
        var options = new ReadOptions();
        if (touch)
        {
            options.Touch = true;
            options.TouchExptime = BinaryPrimitives.ReadUInt32BigEndian(request.Extras);
            options.CountAsTouch = true;
        }
        var reader = new ValueResponseReader(output, opcode, request.Header.Opaque, withKey, withValue: true);
        var result = _engine.Read(request.Key, in options, ref reader);
        _context.Statistics.AddGet(1);
        if (_context.Prefixes.Enabled)
            _context.Prefixes.RecordGet(request.Key, result == ReadResult.Hit);
        if (result == ReadResult.Hit || BinaryOpcodes.IsQuiet(opcode))
            return;
        // A getk miss carries the key and no message, as memcached sends it.
        if (withKey)
            BinaryResponseWriter.Write(output, opcode, BinaryStatus.KeyNotFound, request.Header.Opaque, 0, default, request.Key, default);
        else
            BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.KeyNotFound, request.Header.Opaque);
    }

    /// <summary>Touch answers like a get without the value: memcached returns the flags and CAS of the touched item.</summary>
    private void Touch(scoped in BinaryRequest request, OutputBuffer output)
    {
        var options = new ReadOptions
        {
            Touch = true,
            TouchExptime = BinaryPrimitives.ReadUInt32BigEndian(request.Extras),
            CountAsTouch = true,
        };
        var reader = new ValueResponseReader(output, request.Opcode, request.Header.Opaque, withKey: false, withValue: false);
        if (_engine.Read(request.Key, in options, ref reader) != ReadResult.Hit)
            BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.KeyNotFound, request.Header.Opaque);
    }

    private void Store(scoped in BinaryRequest request, OutputBuffer output)
    {
        var opcode = request.Opcode;
        var loud = BinaryOpcodes.Loud(opcode);
        // Under -C items have no CAS, and memcached then ignores one in the request: a set stays a set.
        ulong cas = _engine.CasEnabled ? request.Header.Cas : 0;
        var store = new StoreRequest();
        if (loud is BinaryOpcode.Append or BinaryOpcode.Prepend)
        {
            store.Mode = loud == BinaryOpcode.Append ? StoreMode.Append : StoreMode.Prepend;
            // memcached checks a CAS given with append/prepend; a mismatch is "exists".
            store.HasCompareCas = cas != 0;
            store.CompareCas = cas;
        }
        else
        {
            store.ClientFlags = BinaryPrimitives.ReadUInt32BigEndian(request.Extras);
            store.Exptime = BinaryPrimitives.ReadUInt32BigEndian(request.Extras[4..]);
            // memcached turns set, add and replace with a CAS into a compare-and-swap.
            store.Mode = cas != 0 ? StoreMode.Cas : loud switch
            {
                BinaryOpcode.Add => StoreMode.Add,
                BinaryOpcode.Replace => StoreMode.Replace,
                _ => StoreMode.Set,
            };
            store.CompareCas = cas;
        }
        var result = _engine.Store(in store, request.Key, request.Value, out var info);
        if (_context.Prefixes.Enabled)
            _context.Prefixes.RecordSet(request.Key);
        switch (result)
        {
            case StoreResult.Stored:
                if (!BinaryOpcodes.IsQuiet(opcode))
                    BinaryResponseWriter.WriteSuccess(output, opcode, request.Header.Opaque, info.Cas);
                break;
            case StoreResult.NotStored:
                // memcached reports a failed add as "exists" and a failed replace as "not found".
                var status = loud switch
                {
                    BinaryOpcode.Add => BinaryStatus.KeyExists,
                    BinaryOpcode.Replace => BinaryStatus.KeyNotFound,
                    _ => BinaryStatus.ItemNotStored,
                };
                BinaryResponseWriter.WriteError(output, opcode, status, request.Header.Opaque);
                break;
            case StoreResult.Exists:
                BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.KeyExists, request.Header.Opaque);
                break;
            case StoreResult.NotFound:
                BinaryResponseWriter.WriteError(output, opcode, BinaryStatus.KeyNotFound, request.Header.Opaque);
                break;
            case StoreResult.TooLarge:
                RefuseTooLarge(request.Header, request.Key, output);
                break;
            default:
                _context.Statistics.AddStoreNoMemory();
                if (loud == BinaryOpcode.Set)
                    _engine.Delete(request.Key, default);
                BinaryResponseWriter.Write(output, opcode, BinaryStatus.OutOfMemory, request.Header.Opaque, 0, default, default, "Out of memory allocating item"u8);
                break;
        }
    }

    private void Delete(scoped in BinaryRequest request, OutputBuffer output)
    {
        var delete = new DeleteRequest { HasCompareCas = request.Header.Cas != 0, CompareCas = request.Header.Cas };
        var result = _engine.Delete(request.Key, in delete);
        if (_context.Prefixes.Enabled)
            _context.Prefixes.RecordDelete(request.Key);
        switch (result)
        {
            case DeleteResult.Deleted:
                if (!BinaryOpcodes.IsQuiet(request.Opcode))
                    BinaryResponseWriter.WriteSuccess(output, request.Opcode, request.Header.Opaque);
                break;
            case DeleteResult.Exists:
                BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.KeyExists, request.Header.Opaque);
                break;
            default:
                BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.KeyNotFound, request.Header.Opaque);
                break;
        }
    }

    /// <summary>Extras: 8-byte delta, 8-byte initial value, 4-byte expiration (0xffffffff: don't create).</summary>
    private void Arithmetic(scoped in BinaryRequest request, OutputBuffer output)
    {
        var opcode = request.Opcode;
        var extras = request.Extras;
        uint exptime = BinaryPrimitives.ReadUInt32BigEndian(extras[16..]);
        var arithmetic = new ArithmeticRequest
        {
            Decrement = BinaryOpcodes.Loud(opcode) == BinaryOpcode.Decrement,
            Delta = BinaryPrimitives.ReadUInt64BigEndian(extras),
            HasCompareCas = request.Header.Cas != 0,
            CompareCas = request.Header.Cas,
            VivifyOnMiss = exptime != NoCreateExptime,
            VivifyExptime = exptime,
            InitialValue = BinaryPrimitives.ReadUInt64BigEndian(extras[8..]),
        };
        var status = _engine.Arithmetic(request.Key, in arithmetic, out var reply) switch
        {
            ArithmeticResult.Ok => BinaryStatus.Success,
            ArithmeticResult.NonNumeric => BinaryStatus.NonNumericValue,
            ArithmeticResult.Exists => BinaryStatus.KeyExists,
            ArithmeticResult.OutOfMemory or ArithmeticResult.NotStored => BinaryStatus.OutOfMemory,
            _ => BinaryStatus.KeyNotFound,
        };
        if (status != BinaryStatus.Success)
            BinaryResponseWriter.WriteError(output, opcode, status, request.Header.Opaque);
        else if (!BinaryOpcodes.IsQuiet(opcode))
            BinaryResponseWriter.WriteCounter(output, opcode, request.Header.Opaque, _engine.CasEnabled ? reply.Cas : 0, reply.Value);
    }

    private void Flush(scoped in BinaryRequest request, OutputBuffer output)
    {
        if (_context.Options.DisableFlushAll)
        {
            // memcached's binary answer under -F; the connection stays open.
            BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.AuthenticationError, request.Header.Opaque);
            return;
        }
        long exptime = request.Extras.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(request.Extras) : 0;
        _engine.FlushAll(exptime);
        if (!BinaryOpcodes.IsQuiet(request.Opcode))
            BinaryResponseWriter.WriteSuccess(output, request.Opcode, request.Header.Opaque);
    }

    private void Version(scoped in BinaryRequest request, OutputBuffer output)
    {
        string version = _context.VersionText;
        Span<byte> text = stackalloc byte[version.Length];
        for (int i = 0; i < version.Length; i++)
            text[i] = (byte)version[i];
        BinaryResponseWriter.Write(output, request.Opcode, BinaryStatus.Success, request.Header.Opaque, 0, default, default, text);
    }

    /// <summary>
    /// One response per stat (key = name, value = value), then an empty one that ends the list. The group is the
    /// request's key, as in the text protocol's <c>stats &lt;group&gt;</c>.
    /// </summary>
    private void Stat(scoped in BinaryRequest request, OutputBuffer output)
    {
        var group = request.Key;
        uint opaque = request.Header.Opaque;
        if (group.SequenceEqual("reset"u8))
        {
            _stats.Reset();
        }
        else if (group.SequenceEqual("detail on"u8) || group.SequenceEqual("detail off"u8))
        {
            _context.Prefixes.Enabled = group.Length == "detail on".Length;
        }
        else if (group.SequenceEqual("detail dump"u8))
        {
            // memcached sends the whole text dump as the value of one stat named "detailed".
            new BinaryStatsSink(output, opaque).Stat("detailed", _context.Prefixes.Dump());
        }
        else if (!_stats.TryWriteGroup(group, new BinaryStatsSink(output, opaque)))
        {
            BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.KeyNotFound, opaque);
            return;
        }
        BinaryResponseWriter.WriteSuccess(output, request.Opcode, opaque);
    }

    /// <summary>Writes a retrieval hit: flags in the extras, the key for getk/gatk, the value unless it is a touch.</summary>
    private readonly struct ValueResponseReader(OutputBuffer output, BinaryOpcode opcode, uint opaque, bool withKey, bool withValue) : IItemReader
    {
        public void Read(scoped in ItemView item) =>
            BinaryResponseWriter.WriteValue(output, opcode, opaque, item.Cas, item.ClientFlags,
                withKey ? item.Key : default, withValue ? item.Value : default);
    }
}
