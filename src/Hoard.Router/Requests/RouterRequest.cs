using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Hoard.Client.Connections;
using Hoard.Protocol.Meta;

namespace Hoard.Router.Requests;

/// <summary>
/// One keyed request on its way through the route tree. Immutable: a route that changes it (a new exptime, a
/// key without its routing prefix) makes a copy, so replicas and retries all see the request as it came.
/// Written upstream in the protocol it arrived in; a meta request keeps its flags as sent (minus <c>q</c>, since
/// the router must see every reply to keep the stream in step, and answers quietly itself).
/// </summary>
public sealed class RouterRequest : IForwardedRequest
{
    private RouterRequest(RouterOperation operation, byte[] key)
    {
        Operation = operation;
        Key = key;
    }

    public RouterOperation Operation { get; }

    /// <summary>
    /// Which upstream connection carries the request: the client connection's number, so one client's requests
    /// to a server share a connection and stay in order (a set then a get of the same key, pipelined).
    /// </summary>
    public long Affinity { get; internal set; }

    /// <summary>The key as routes hash it (a base64 meta key decoded).</summary>
    public byte[] Key { get; private init; }

    public uint Flags { get; private init; }

    /// <summary>Expiry of storage and touch commands (text), or of <c>ms</c>/<c>mg</c>'s <c>T</c> flag when present.</summary>
    public long Exptime { get; private init; }

    public ReadOnlyMemory<byte> Value { get; private init; }

    public ulong Cas { get; private init; }

    public ulong Delta { get; private init; }

    /// <summary>The meta flags as sent, without <c>q</c> (the router answers quietly itself).</summary>
    public IReadOnlyList<string> MetaFlags { get; private init; } = [];

    /// <summary>Whether the meta key travels base64-encoded (flag <c>b</c>).</summary>
    public bool BinaryKey { get; private init; }

    public OperationGroup Group => Operation.Group();

    public ReplyFraming Framing => Operation switch
    {
        RouterOperation.Get or RouterOperation.Gets or RouterOperation.Gat or RouterOperation.Gats => ReplyFraming.Retrieval,
        _ when Operation.IsMeta() => ReplyFraming.Meta,
        _ => ReplyFraming.Line,
    };

    public string KeyText => Encoding.UTF8.GetString(Key);

    public static RouterRequest Retrieval(RouterOperation operation, byte[] key, long exptime = 0) =>
        new(operation, key) { Exptime = exptime };

    /// <summary>One text retrieval of several keys that live on the same server (a multi-get, batched per server).</summary>
    public static RouterRequest RetrievalOfMany(RouterOperation operation, IReadOnlyList<byte[]> keys, long exptime, long affinity) =>
        new(operation, keys[0]) { Exptime = exptime, Keys = keys, Affinity = affinity };

    /// <summary>The keys of a batched retrieval; just <see cref="Key"/> otherwise.</summary>
    public IReadOnlyList<byte[]>? Keys { get; private init; }

    public static RouterRequest Storage(RouterOperation operation, byte[] key, uint flags, long exptime, ReadOnlyMemory<byte> value, ulong cas = 0) =>
        new(operation, key) { Flags = flags, Exptime = exptime, Value = value, Cas = cas };

    public static RouterRequest Delete(byte[] key) => new(RouterOperation.Delete, key);

    public static RouterRequest Arithmetic(RouterOperation operation, byte[] key, ulong delta) => new(operation, key) { Delta = delta };

    public static RouterRequest Touch(byte[] key, long exptime) => new(RouterOperation.Touch, key) { Exptime = exptime };

    public static RouterRequest Meta(RouterOperation operation, byte[] key, bool binaryKey, IReadOnlyList<string> flags, ReadOnlyMemory<byte> value)
    {
        long exptime = 0;
        foreach (var flag in flags)
        {
            if (flag.Length > 1 && flag[0] == 'T' && long.TryParse(flag.AsSpan(1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long t))
                exptime = t;
        }
        return new(operation, key) { BinaryKey = binaryKey, MetaFlags = flags, Value = value, Exptime = exptime };
    }

    /// <summary>Whether the request carries an expiry a route may change.</summary>
    public bool HasExptime => Operation switch
    {
        RouterOperation.Set or RouterOperation.Add or RouterOperation.Replace or RouterOperation.Append or RouterOperation.Prepend
            or RouterOperation.Cas or RouterOperation.Touch or RouterOperation.Gat or RouterOperation.Gats => true,
        RouterOperation.MetaSet => true,
        RouterOperation.MetaGet or RouterOperation.MetaArithmetic => MetaFlags.Any(f => f.Length > 1 && f[0] == 'T'),
        _ => false,
    };

    /// <summary>A copy with another expiry (ModifyExptimeRoute, WarmUpRoute's write-back).</summary>
    public RouterRequest WithExptime(long exptime)
    {
        var flags = MetaFlags;
        if (Operation.IsMeta())
        {
            var changed = flags.Where(f => f.Length == 0 || f[0] != 'T').ToList();
            changed.Add("T" + exptime.ToString(System.Globalization.CultureInfo.InvariantCulture));
            flags = changed;
        }
        return new(Operation, Key)
        {
            Flags = Flags, Exptime = exptime, Value = Value, Cas = Cas, Delta = Delta, MetaFlags = flags, BinaryKey = BinaryKey, Affinity = Affinity,
        };
    }

    /// <summary>A copy with another key (a routing prefix taken off).</summary>
    public RouterRequest WithKey(byte[] key) => new(Operation, key)
    {
        Flags = Flags, Exptime = Exptime, Value = Value, Cas = Cas, Delta = Delta, MetaFlags = MetaFlags, BinaryKey = BinaryKey, Affinity = Affinity,
    };

    /// <summary>A text <c>add</c> of this key with a value found elsewhere (WarmUpRoute filling the cold pool).</summary>
    public RouterRequest AddOf(uint flags, long exptime, ReadOnlyMemory<byte> value) =>
        new(RouterOperation.Add, Key) { Flags = flags, Exptime = exptime, Value = value, Affinity = Affinity };

    /// <summary>A copy that travels on the upstream connection for <paramref name="affinity"/>.</summary>
    public RouterRequest WithAffinity(long affinity) => new(Operation, Key)
    {
        Flags = Flags, Exptime = Exptime, Value = Value, Cas = Cas, Delta = Delta, MetaFlags = MetaFlags, BinaryKey = BinaryKey, Affinity = affinity,
    };

    /// <summary>The request as bytes for an upstream server.</summary>
    public byte[] Serialize()
    {
        var writer = new ArrayBufferWriter<byte>(64 + Key.Length + Value.Length);
        Write(writer);
        return writer.WrittenSpan.ToArray();
    }

    public void WriteTo(IBufferWriter<byte> writer) => Write(writer);

    public void Write(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Operation)
        {
            case RouterOperation.Get or RouterOperation.Gets or RouterOperation.Gat or RouterOperation.Gats when Keys is { } keys:
                RetrievalLine(writer, keys);
                break;
            case RouterOperation.Get: Line(writer, "get", Key); break;
            case RouterOperation.Gets: Line(writer, "gets", Key); break;
            case RouterOperation.Gat: Line(writer, "gat", Exptime, Key); break;
            case RouterOperation.Gats: Line(writer, "gats", Exptime, Key); break;
            case RouterOperation.Set: StorageLine(writer, "set"); break;
            case RouterOperation.Add: StorageLine(writer, "add"); break;
            case RouterOperation.Replace: StorageLine(writer, "replace"); break;
            case RouterOperation.Append: StorageLine(writer, "append"); break;
            case RouterOperation.Prepend: StorageLine(writer, "prepend"); break;
            case RouterOperation.Cas: StorageLine(writer, "cas"); break;
            case RouterOperation.Delete: Line(writer, "delete", Key); break;
            case RouterOperation.Incr: ArithmeticLine(writer, "incr"); break;
            case RouterOperation.Decr: ArithmeticLine(writer, "decr"); break;
            case RouterOperation.Touch:
                Ascii(writer, "touch ");
                writer.Write(Key);
                Ascii(writer, " ");
                Number(writer, Exptime);
                Ascii(writer, "\r\n");
                break;
            default: MetaLine(writer); break;
        }
    }

    public override string ToString() => $"{Operation.PolicyName()} {KeyText}";

    private void RetrievalLine(IBufferWriter<byte> writer, IReadOnlyList<byte[]> keys)
    {
        Ascii(writer, Operation switch
        {
            RouterOperation.Get => "get",
            RouterOperation.Gets => "gets",
            RouterOperation.Gat => "gat ",
            _ => "gats ",
        });
        if (Operation is RouterOperation.Gat or RouterOperation.Gats)
            Number(writer, Exptime);
        foreach (var key in keys)
        {
            Ascii(writer, " ");
            writer.Write(key);
        }
        Ascii(writer, "\r\n");
    }

    private static void Line(IBufferWriter<byte> writer, string verb, byte[] key)
    {
        Ascii(writer, verb);
        Ascii(writer, " ");
        writer.Write(key);
        Ascii(writer, "\r\n");
    }

    private static void Line(IBufferWriter<byte> writer, string verb, long exptime, byte[] key)
    {
        Ascii(writer, verb);
        Ascii(writer, " ");
        Number(writer, exptime);
        Ascii(writer, " ");
        writer.Write(key);
        Ascii(writer, "\r\n");
    }

    private void StorageLine(IBufferWriter<byte> writer, string verb)
    {
        Ascii(writer, verb);
        Ascii(writer, " ");
        writer.Write(Key);
        Ascii(writer, " ");
        Number(writer, Flags);
        Ascii(writer, " ");
        Number(writer, Exptime);
        Ascii(writer, " ");
        Number(writer, Value.Length);
        if (Operation == RouterOperation.Cas)
        {
            Ascii(writer, " ");
            Number(writer, Cas);
        }
        Ascii(writer, "\r\n");
        writer.Write(Value.Span);
        Ascii(writer, "\r\n");
    }

    private void ArithmeticLine(IBufferWriter<byte> writer, string verb)
    {
        Ascii(writer, verb);
        Ascii(writer, " ");
        writer.Write(Key);
        Ascii(writer, " ");
        Number(writer, Delta);
        Ascii(writer, "\r\n");
    }

    private void MetaLine(IBufferWriter<byte> writer)
    {
        Ascii(writer, Operation switch
        {
            RouterOperation.MetaGet => "mg ",
            RouterOperation.MetaSet => "ms ",
            RouterOperation.MetaDelete => "md ",
            RouterOperation.MetaArithmetic => "ma ",
            _ => "me ",
        });
        if (BinaryKey)
        {
            Span<byte> encoded = stackalloc byte[MetaBase64.EncodedLength(Key.Length)];
            writer.Write(encoded[..MetaBase64.Encode(Key, encoded)]);
        }
        else
        {
            writer.Write(Key);
        }
        if (Operation == RouterOperation.MetaSet)
        {
            Ascii(writer, " ");
            Number(writer, Value.Length);
        }
        foreach (var flag in MetaFlags)
        {
            Ascii(writer, " ");
            Ascii(writer, flag);
        }
        Ascii(writer, "\r\n");
        if (Operation == RouterOperation.MetaSet)
        {
            writer.Write(Value.Span);
            Ascii(writer, "\r\n");
        }
    }

    private static void Ascii(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        int written = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(written);
    }

    private static void Number(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        writer.Advance(written);
    }

    private static void Number(IBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        writer.Advance(written);
    }
}
