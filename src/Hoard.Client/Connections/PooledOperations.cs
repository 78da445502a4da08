using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Threading.Tasks.Sources;
using Hoard.Client.Diagnostics;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// The operations of the hot path (get and set one key), reused instead of allocated per call: each keeps its
/// own buffer for the key's UTF-8 bytes. Only operations answered by their reply return to the pool (see
/// <see cref="Operation{TResult}.GetResult"/>).
/// </summary>
internal static class OperationPool<T> where T : class, new()
{
    private const int Capacity = 1024;
    private static readonly ConcurrentQueue<T> Free = new();
    private static int _count;

    public static T Rent()
    {
        if (Free.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }
        return new T();
    }

    public static void Return(T item)
    {
        if (Interlocked.Increment(ref _count) <= Capacity)
            Free.Enqueue(item);
        else
            Interlocked.Decrement(ref _count);
    }
}

/// <summary>A key encoded once into a reusable buffer.</summary>
internal struct KeyBuffer
{
    private byte[] _bytes;
    private int _length;
    private string _text;

    public readonly ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

    public readonly string Text => _text;

    /// <summary>Encodes <paramref name="key"/>; false when it is not a key the protocol can carry.</summary>
    public bool TrySet(string key, bool plainOnly)
    {
        _bytes ??= new byte[1024];
        _text = key;
        if (!Encoding.UTF8.TryGetBytes(key, _bytes, out _length))
            return false;
        var span = Span;
        return MetaRequestWriter.IsValidKey(span) && (!plainOnly || MetaRequestWriter.IsPlainKey(span));
    }
}

/// <summary>Pooled <c>mg key v f c</c>.</summary>
internal sealed class PooledGetOperation : Operation<CacheItem?>
{
    private KeyBuffer _key;

    public ReadOnlySpan<byte> Key => _key.Span;

    public override string Name => "get";

    public static PooledGetOperation? Rent(string key)
    {
        var operation = OperationPool<PooledGetOperation>.Rent();
        operation.ResetForReuse();
        if (operation._key.TrySet(key, plainOnly: false))
            return operation;
        OperationPool<PooledGetOperation>.Return(operation);
        return null;
    }

    public override string Describe() => "mg " + _key.Text;

    public override void WriteRequest(IBufferWriter<byte> writer) => MetaGetOperation.Write(writer, _key.Span, null);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out CacheItem? result, out Exception? error) =>
        MetaGetOperation.Parse(buffer, out consumed, out result, out error, this);

    protected override void OnReportedSuccess(CacheItem? result)
    {
        if (result is null)
            ClientMetrics.Miss();
        else
            ClientMetrics.Hit();
    }

    protected override void Recycle() => OperationPool<PooledGetOperation>.Return(this);
}

/// <summary>
/// Pooled <c>ms key size F T [C] M</c>. Awaitable as the server's answer (<see cref="Operation{TResult}.Task"/>)
/// or as "stored or not" (<see cref="Stored"/>), so <c>SetAsync</c> needs no state machine to convert one to
/// the other.
/// </summary>
internal sealed class PooledStoreOperation : Operation<StoreResult>, IValueTaskSource<bool>
{
    private KeyBuffer _key;
    private ReadOnlyMemory<byte> _value;
    private uint _flags;
    private long _seconds;
    private StoreMode _mode;
    private ulong _cas;

    public ReadOnlySpan<byte> Key => _key.Span;

    public override string Name => "store";

    /// <summary>True when the server stored the value.</summary>
    public ValueTask<bool> Stored => new(this, Version);

    public static PooledStoreOperation? Rent(string key, ReadOnlyMemory<byte> value, uint flags, long seconds, StoreMode mode, ulong cas)
    {
        var operation = OperationPool<PooledStoreOperation>.Rent();
        operation.ResetForReuse();
        if (!operation._key.TrySet(key, plainOnly: false))
        {
            OperationPool<PooledStoreOperation>.Return(operation);
            return null;
        }
        (operation._value, operation._flags, operation._seconds, operation._mode, operation._cas) = (value, flags, seconds, mode, cas);
        return operation;
    }

    public override string Describe() => "ms " + _key.Text;

    bool IValueTaskSource<bool>.GetResult(short token) => GetResult(token) == StoreResult.Stored;

    public override void WriteRequest(IBufferWriter<byte> writer) =>
        MetaStoreOperation.Write(writer, _key.Span, _value.Span, _flags, _seconds, _mode, _cas);

    protected override ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out StoreResult result, out Exception? error) =>
        MetaStoreOperation.Parse(buffer, out consumed, out result, out error);

    protected override void Recycle()
    {
        // The caller's value must not stay referenced from the pool.
        _value = default;
        OperationPool<PooledStoreOperation>.Return(this);
    }
}
