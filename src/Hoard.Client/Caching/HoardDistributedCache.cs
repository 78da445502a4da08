using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;

namespace Hoard.Client.Caching;

/// <summary>
/// ASP.NET Core's <see cref="IDistributedCache"/> (and <see cref="IBufferDistributedCache"/>, so it can be
/// <c>HybridCache</c>'s second level) over a <see cref="HoardClient"/>. memcached expires items itself; sliding
/// expiration is kept in the item's flags and applied by touching the item on every read.
/// </summary>
public sealed class HoardDistributedCache : IDistributedCache, IBufferDistributedCache
{
    /// <summary>Flag bit: the low 30 bits are the sliding expiration in seconds.</summary>
    private const uint SlidingBit = 0x8000_0000;
    /// <summary>Flag bit: the value starts with the absolute expiration (8 bytes, Unix seconds, big-endian).</summary>
    private const uint AbsolutePrefixBit = 0x4000_0000;
    private const uint SecondsMask = 0x3FFF_FFFF;

    private readonly HoardClient _client;
    private readonly TimeProvider _time;

    public HoardDistributedCache(HoardClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var value = await ReadAsync(key, token).ConfigureAwait(false);
        return value?.ToArray();
    }

    public bool TryGet(string key, IBufferWriter<byte> destination) => TryGetAsync(key, destination).AsTask().GetAwaiter().GetResult();

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var value = await ReadAsync(key, token).ConfigureAwait(false);
        if (value is not { } found)
            return false;
        destination.Write(found.Span);
        return true;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync(key, new ReadOnlySequence<byte>(value), options, token).AsTask();
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).AsTask().GetAwaiter().GetResult();

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        WriteAsync(key, value, options, token);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default) => await ReadAsync(key, token).ConfigureAwait(false);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default) => await _client.DeleteAsync(key, token).ConfigureAwait(false);

    /// <summary>Reads the value and, for sliding expiration, pushes the expiry out again (never past an absolute one).</summary>
    private async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string key, CancellationToken token)
    {
        if (await _client.GetAsync(key, token).ConfigureAwait(false) is not { } item)
            return null;
        var value = item.Value;
        long? absolute = null;
        if ((item.Flags & AbsolutePrefixBit) != 0)
        {
            if (value.Length < sizeof(long))
                return null; // not written by this class
            absolute = BinaryPrimitives.ReadInt64BigEndian(value.Span);
            value = value[sizeof(long)..];
        }
        if ((item.Flags & SlidingBit) != 0)
        {
            long seconds = item.Flags & SecondsMask;
            if (absolute is { } end)
                seconds = Math.Min(seconds, end - _time.GetUtcNow().ToUnixTimeSeconds());
            if (seconds <= 0)
                return null;
            await _client.TouchAsync(key, TimeSpan.FromSeconds(seconds), token).ConfigureAwait(false);
        }
        return value;
    }

    private async ValueTask WriteAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetUtcNow();
        DateTimeOffset? absolute = options.AbsoluteExpiration;
        if (options.AbsoluteExpirationRelativeToNow is { } relative)
            absolute = now + relative;
        if (absolute is { } end && end <= now)
            throw new ArgumentOutOfRangeException(nameof(options), end, "The absolute expiration value must be in the future.");
        uint flags = 0;
        TimeSpan? ttl = absolute - now;
        if (options.SlidingExpiration is { } sliding)
        {
            long seconds = Math.Clamp((long)Math.Ceiling(sliding.TotalSeconds), 1, SecondsMask);
            flags |= SlidingBit | (uint)seconds;
            ttl = ttl is { } toEnd && toEnd < sliding ? toEnd : sliding;
        }
        byte[] bytes;
        if ((flags & SlidingBit) != 0 && absolute is { } hardEnd)
        {
            // Reads must not slide the expiry past the absolute one, so it travels with the value.
            flags |= AbsolutePrefixBit;
            bytes = new byte[sizeof(long) + value.Length];
            // Rounded up: memcached counts whole seconds, and an item must not vanish before its time.
            BinaryPrimitives.WriteInt64BigEndian(bytes, (hardEnd.ToUnixTimeMilliseconds() + 999) / 1000);
            value.CopyTo(bytes.AsSpan(sizeof(long)));
        }
        else
        {
            bytes = value.ToArray();
        }
        await _client.SetAsync(key, bytes, ttl, flags, token).ConfigureAwait(false);
    }
}
