using System.Buffers.Text;
using System.Numerics;

namespace Hoard.Storage;

/// <summary>
/// The cache: items in native memory indexed by key, expiry as memcached defines it, LRU eviction within a
/// memory limit, CAS, counters and the meta protocol's stale/win state. Thread-safe; knows nothing of the wire.
/// </summary>
public sealed unsafe class CacheEngine : IDisposable
{
    /// <summary>memcached's REALTIME_MAXDELTA: larger exptimes are absolute Unix times.</summary>
    public const long MaxRelativeExptime = 60L * 60 * 24 * 30;

    public const int MaxKeyLength = 250;

    private readonly CacheShard[] _shards;
    private readonly SizeClassTable _sizeClasses;
    private readonly int _shardShift;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly bool _systemClock;
    private readonly long _startTick;
    private readonly long _startUnixMs;
    private readonly int _maxItemSize;
    private readonly bool _evictionsEnabled;
    private readonly bool _casEnabled;
    private readonly ITimer _expiryTimer;
    private readonly Func<IntPtr, bool> _reclaimIfDead;
    private readonly Action<IntPtr> _free;
    /// <summary>Memory charged against the limit: each item's block (large items are rounded up, see ItemMemory).</summary>
    private long _bytesUsed;
    /// <summary>Exact bytes of the items stored (header + key + value): memcached's <c>bytes</c>.</summary>
    private long _itemBytes;
    private readonly ItemMemory _memory;
    private long _limit;
    private ulong _casCounter;
    private long _pendingFlushAt;
    private long _flushCommands;
    private int _disposed;

    public CacheEngine(CacheOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ShardCount <= 0 || (options.ShardCount & (options.ShardCount - 1)) != 0 || options.ShardCount > 4096)
            throw new ArgumentException("ShardCount must be a power of two between 1 and 4096", nameof(options));
        if (options.MemoryLimitBytes <= 0)
            throw new ArgumentException("MemoryLimitBytes must be positive", nameof(options));
        if (options.MaxItemSize < 64)
            throw new ArgumentException("MaxItemSize is too small", nameof(options));

        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _startTick = Environment.TickCount64;
        _startUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _limit = options.MemoryLimitBytes;
        _maxItemSize = options.MaxItemSize;
        _evictionsEnabled = options.EvictionsEnabled;
        _casEnabled = options.CasEnabled;
        _sizeClasses = new SizeClassTable(options.MaxItemSize);
        _shards = new CacheShard[options.ShardCount];
        for (int i = 0; i < _shards.Length; i++)
            _shards[i] = new CacheShard(_sizeClasses.Count);
        _shardShift = 32 - BitOperations.Log2((uint)options.ShardCount);
        _reclaimIfDead = ReclaimIfDeadLocked;
        _free = p => Free((ItemHeader*)p);
        // The cache of freed large blocks is part of the fixed overhead: a sixteenth of the limit, 4-64 MiB.
        _memory = new ItemMemory(Math.Clamp(options.MemoryLimitBytes / 8, 16L << 20, 64L << 20));
        _expiryTimer = _time.CreateTimer(_ => ScanForExpired(), null, options.ExpiryScanInterval, options.ExpiryScanInterval);
    }

    /// <summary>Current memory limit in bytes (changes with <see cref="SetMemoryLimit"/>).</summary>
    public long MemoryLimit => Volatile.Read(ref _limit);

    public int MaxItemSize => _maxItemSize;

    /// <summary>False under memcached's <c>-C</c>: items report CAS 0.</summary>
    public bool CasEnabled => _casEnabled;

    /// <summary>Bytes of items now stored (header + key + value).</summary>
    public long BytesUsed => Volatile.Read(ref _itemBytes);

    /// <summary>Memory charged against the limit: the items' blocks, large ones rounded up (at most 1/16 more).</summary>
    public long MemoryCharged => Volatile.Read(ref _bytesUsed);

    /// <summary>Current Unix time in seconds, on the engine's clock.</summary>
    public long UnixTimeSeconds => (_startUnixMs + NowMs()) / 1000;

    /// <summary>Largest item whose key and value fit within <see cref="MaxItemSize"/>.</summary>
    public static long ItemSize(int keyLength, int valueLength) => ItemHeader.TotalSize(keyLength, valueLength);

    public ReadResult Read<TReader>(ReadOnlySpan<byte> key, in ReadOptions options, ref TReader reader)
        where TReader : IItemReader, allows ref struct
    {
        ValidateKey(key);
        uint hash = Hash(key);
        var shard = ShardFor(hash);
        long now = Now();
        using (shard.Acquire())
        {
            var item = FindLiveLocked(shard, key, hash, now, countReadMiss: true);
            if (item == null)
            {
                if (options.CountAsTouch) shard.Counters.TouchMisses++;
                else shard.Counters.GetMisses++;
                if (!options.VivifyOnMiss)
                    return ReadResult.Miss;

                var placeholder = AllocateLocked(shard, key, hash, 0, null, now);
                if (placeholder == null)
                    return ReadResult.Miss;
                placeholder->ExpiresAt = ExpiryFromExptime(options.VivifyExptime, now);
                placeholder->Cas = options.HasNewCas ? options.NewCas : NextCas();
                placeholder->State = ItemState.WinTokenSent;
                shard.Link(placeholder);
                shard.Counters.TotalItems++;
                var created = View(placeholder, now, win: true, stale: false, winTokenSent: false, ttlBeforeTouch: -1, created: true);
                reader.Read(in created);
                return ReadResult.Vivified;
            }

            if (options.CountAsTouch) shard.Counters.TouchHits++;
            else shard.Counters.GetHits++;

            bool tokenSentBefore = (item->State & ItemState.WinTokenSent) != 0;
            bool stale = (item->State & ItemState.Stale) != 0;
            bool win = false;
            if (!tokenSentBefore)
            {
                if (stale)
                    win = true;
                else if (options.HasRecacheThreshold && item->ExpiresAt > 0 && TtlSeconds(item, now) < options.RecacheThresholdSeconds)
                    win = true;
                if (win)
                    item->State |= ItemState.WinTokenSent;
            }
            long ttlBeforeTouch = TtlSeconds(item, now);
            if (options.Touch)
                item->ExpiresAt = ExpiryFromExptime(options.TouchExptime, now);

            var view = View(item, now, win, stale, tokenSentBefore, ttlBeforeTouch, created: false);
            reader.Read(in view);

            // memcached's meta 'u' skips the whole bump: the item is neither marked fetched nor its access time updated.
            if (!options.NoLruBump)
            {
                item->State |= ItemState.Fetched;
                item->LastAccess = now;
                shard.Bump(item);
            }
            return ReadResult.Hit;
        }
    }

    public StoreResult Store(in StoreRequest request, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out StoredItemInfo info)
    {
        ValidateKey(key);
        info = default;
        if (ItemHeader.TotalSize(key.Length, value.Length) > _maxItemSize)
            return StoreResult.TooLarge;

        uint hash = Hash(key);
        var shard = ShardFor(hash);
        long now = Now();
        using (shard.Acquire())
        {
            shard.Counters.SetCommands++;
            var existing = FindLiveLocked(shard, key, hash, now, countReadMiss: false);
            var mode = request.Mode;
            bool markStale = false;

            if (mode == StoreMode.Add && existing != null)
            {
                // memcached refreshes the LRU position of the item an add collided with.
                existing->LastAccess = now;
                shard.Bump(existing);
                return StoreResult.NotStored;
            }
            if (mode is StoreMode.Replace or StoreMode.Append or StoreMode.Prepend && existing == null)
            {
                if (!(request.VivifyOnMiss && mode != StoreMode.Replace))
                    return StoreResult.NotStored;
            }
            if (mode == StoreMode.Cas || request.HasCompareCas)
            {
                if (existing == null)
                {
                    shard.Counters.CasMisses++;
                    return StoreResult.NotFound;
                }
                // As memcached: a zero token (and any token under -C, where items keep no CAS) means "no CAS":
                // the cas command then always fails, append/prepend proceed unchecked.
                ulong requested = _casEnabled ? request.CompareCas : 0;
                bool casMatches = requested != 0 ? existing->Cas == requested : mode != StoreMode.Cas;
                if (!casMatches)
                {
                    if (!(request.Invalidate && requested != 0 && requested < existing->Cas))
                    {
                        shard.Counters.CasBadValue++;
                        return StoreResult.Exists;
                    }
                    markStale = true;
                }
                shard.Counters.CasHits++;
            }

            ItemHeader* item;
            bool concatenate = existing != null && mode is StoreMode.Append or StoreMode.Prepend;
            if (concatenate)
            {
                int oldLength = existing->ValueLength;
                if (ItemHeader.TotalSize(key.Length, oldLength + value.Length) > _maxItemSize)
                    return StoreResult.NotStored;
                item = AllocateLocked(shard, key, hash, oldLength + value.Length, existing, now);
                if (item == null)
                    return StoreResult.OutOfMemory;
                var target = ItemHeader.ValueSpan(item);
                var old = ItemHeader.ValueSpan(existing);
                if (mode == StoreMode.Append)
                {
                    old.CopyTo(target);
                    value.CopyTo(target[oldLength..]);
                }
                else
                {
                    value.CopyTo(target);
                    old.CopyTo(target[value.Length..]);
                }
                item->ClientFlags = existing->ClientFlags;
                item->ExpiresAt = existing->ExpiresAt;
            }
            else
            {
                item = AllocateLocked(shard, key, hash, value.Length, existing, now);
                if (item == null)
                    return StoreResult.OutOfMemory;
                value.CopyTo(ItemHeader.ValueSpan(item));
                item->ClientFlags = request.ClientFlags;
                long exptime = existing == null && request.VivifyOnMiss && mode is StoreMode.Append or StoreMode.Prepend
                    ? request.VivifyExptime
                    : request.Exptime;
                item->ExpiresAt = ExpiryFromExptime(exptime, now);
            }

            item->Cas = request.HasNewCas ? request.NewCas : NextCas();
            if (markStale)
            {
                // memcached keeps the TTL and the win-token marker of the item a stale value replaces.
                item->State |= ItemState.Stale | (existing->State & ItemState.WinTokenSent);
                item->ExpiresAt = existing->ExpiresAt;
            }
            if (existing != null)
            {
                shard.Replace(existing, item);
                Free(existing);
            }
            else
            {
                shard.Link(item);
            }
            shard.Counters.TotalItems++;

            info.Cas = _casEnabled ? item->Cas : 0;
            info.TtlSeconds = TtlSeconds(item, now);
            info.ValueLength = item->ValueLength;
            info.ClientFlags = item->ClientFlags;
            return StoreResult.Stored;
        }
    }

    public DeleteResult Delete(ReadOnlySpan<byte> key, in DeleteRequest request)
    {
        ValidateKey(key);
        uint hash = Hash(key);
        var shard = ShardFor(hash);
        long now = Now();
        using (shard.Acquire())
        {
            var item = FindLiveLocked(shard, key, hash, now, countReadMiss: false);
            if (item == null)
            {
                shard.Counters.DeleteMisses++;
                return DeleteResult.NotFound;
            }
            if (request.HasCompareCas && VisibleCas(item) != request.CompareCas)
                return DeleteResult.Exists;

            shard.Counters.DeleteHits++;
            if (request.RemoveValueOnly)
            {
                var emptied = AllocateLocked(shard, key, hash, 0, item, now);
                if (emptied != null)
                {
                    emptied->ExpiresAt = item->ExpiresAt;
                    emptied->State = item->State;
                    emptied->Cas = request.HasNewCas ? request.NewCas : NextCas();
                    shard.Replace(item, emptied);
                    Free(item);
                    item = emptied;
                }
                else
                {
                    // No memory even for an empty copy: shrink in place, keeping every byte count exact
                    // (unlink under the old size, relink under the new one).
                    shard.Unlink(item);
                    long before = ItemHeader.TotalSize(item);
                    long freed = item->ValueLength;
                    item->ValueLength = 0;
                    item->ClientFlags = 0;
                    item->SizeClass = (ushort)_sizeClasses.ClassOf(ItemHeader.TotalSize(item));
                    item->Cas = request.HasNewCas ? request.NewCas : NextCas();
                    Interlocked.Add(ref _itemBytes, -freed);
                    Interlocked.Add(ref _bytesUsed, -(ItemMemory.BlockSize(before) - ItemMemory.BlockSize(ItemHeader.TotalSize(item))));
                    shard.Link(item);
                }
            }
            if (request.Invalidate)
            {
                item->State = (item->State | ItemState.Stale) & ~ItemState.WinTokenSent;
                item->Cas = request.HasNewCas ? request.NewCas : NextCas();
                if (request.HasExptime)
                    item->ExpiresAt = ExpiryFromExptime(request.Exptime, now);
                return DeleteResult.Deleted;
            }
            if (request.RemoveValueOnly)
                return DeleteResult.Deleted;

            shard.Unlink(item);
            Free(item);
            return DeleteResult.Deleted;
        }
    }

    public ArithmeticResult Arithmetic(ReadOnlySpan<byte> key, in ArithmeticRequest request, out ArithmeticReply reply)
    {
        ValidateKey(key);
        reply = default;
        uint hash = Hash(key);
        var shard = ShardFor(hash);
        long now = Now();
        Span<byte> digits = stackalloc byte[20];
        using (shard.Acquire())
        {
            var item = FindLiveLocked(shard, key, hash, now, countReadMiss: false);
            if (item == null)
            {
                if (request.Decrement) shard.Counters.DecrMisses++;
                else shard.Counters.IncrMisses++;
                if (!request.VivifyOnMiss)
                    return ArithmeticResult.NotFound;

                Utf8Formatter.TryFormat(request.InitialValue, digits, out int initialLength);
                var created = AllocateLocked(shard, key, hash, initialLength, null, now);
                if (created == null)
                    return ArithmeticResult.NotStored;
                digits[..initialLength].CopyTo(ItemHeader.ValueSpan(created));
                created->ExpiresAt = ExpiryFromExptime(request.VivifyExptime, now);
                created->Cas = request.HasNewCas ? request.NewCas : NextCas();
                shard.Link(created);
                shard.Counters.TotalItems++;
                FillReply(created, now, request.InitialValue, ref reply);
                reply.TtlBeforeUpdateSeconds = -1;
                reply.Created = true;
                return ArithmeticResult.Ok;
            }
            if (request.HasCompareCas && VisibleCas(item) != request.CompareCas)
                return ArithmeticResult.Exists;
            if (!TryParseCounter(ItemHeader.ValueSpan(item), out ulong current))
                return ArithmeticResult.NonNumeric;

            ulong next;
            if (request.Decrement)
            {
                next = request.Delta > current ? 0 : current - request.Delta;
                shard.Counters.DecrHits++;
            }
            else
            {
                next = unchecked(current + request.Delta);  // incr wraps at 2^64, as memcached's does
                shard.Counters.IncrHits++;
            }
            Utf8Formatter.TryFormat(next, digits, out int length);

            if (length <= item->ValueLength)
            {
                // memcached rewrites in place and pads with spaces when the number got shorter.
                var target = ItemHeader.ValueSpan(item);
                digits[..length].CopyTo(target);
                target[length..].Fill((byte)' ');
                item->Cas = request.HasNewCas ? request.NewCas : NextCas();
            }
            else
            {
                var grown = AllocateLocked(shard, key, hash, length, item, now);
                if (grown == null)
                    return ArithmeticResult.OutOfMemory;
                digits[..length].CopyTo(ItemHeader.ValueSpan(grown));
                grown->ClientFlags = item->ClientFlags;
                grown->ExpiresAt = item->ExpiresAt;
                grown->State = item->State;
                grown->Cas = request.HasNewCas ? request.NewCas : NextCas();
                shard.Replace(item, grown);
                Free(item);
                item = grown;
            }
            long ttlBeforeUpdate = TtlSeconds(item, now);
            if (request.HasExptime)
                item->ExpiresAt = ExpiryFromExptime(request.Exptime, now);
            item->LastAccess = now;
            shard.Bump(item);
            FillReply(item, now, next, ref reply);
            reply.TtlBeforeUpdateSeconds = ttlBeforeUpdate;
            return ArithmeticResult.Ok;
        }
    }

    /// <summary>Sets a new exptime; false when the key is missing.</summary>
    public bool Touch(ReadOnlySpan<byte> key, long exptime)
    {
        ValidateKey(key);
        uint hash = Hash(key);
        var shard = ShardFor(hash);
        long now = Now();
        using (shard.Acquire())
        {
            var item = FindLiveLocked(shard, key, hash, now, countReadMiss: false);
            if (item == null)
            {
                shard.Counters.TouchMisses++;
                return false;
            }
            shard.Counters.TouchHits++;
            item->ExpiresAt = ExpiryFromExptime(exptime, now);
            item->LastAccess = now;
            shard.Bump(item);
            return true;
        }
    }

    /// <summary>
    /// Invalidates every item now, or at a later time (<paramref name="exptime"/> in memcached's exptime
    /// form: seconds from now, or a Unix time); items stored after that moment survive.
    /// </summary>
    public void FlushAll(long exptime = 0)
    {
        Interlocked.Increment(ref _flushCommands);
        long now = NowMs();
        long at = exptime <= 0 ? 0 : ExpiryFromExptime(exptime, now);
        if (at > now)
        {
            Volatile.Write(ref _pendingFlushAt, at);
            return;
        }
        Volatile.Write(ref _pendingFlushAt, 0);
        ClearAll();
    }

    /// <summary>Changes the memory limit (memcached's <c>cache_memlimit</c>); shrinking evicts at once.</summary>
    public void SetMemoryLimit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        Volatile.Write(ref _limit, bytes);
        long now = Now();
        while (Volatile.Read(ref _bytesUsed) > bytes)
        {
            bool evicted = false;
            foreach (var shard in _shards)
            {
                using (shard.Acquire())
                    evicted |= EvictOneLocked(shard, now, null);
                if (Volatile.Read(ref _bytesUsed) <= bytes)
                    break;
            }
            if (!evicted)
                break;
        }
    }

    public CacheStatistics GetStatistics()
    {
        ShardCounters total = default;
        long items = 0, buckets = 0;
        var classItems = new long[_sizeClasses.Count];
        var classBytes = new long[_sizeClasses.Count];
        foreach (var shard in _shards)
        {
            using (shard.Acquire())
            {
                total.Add(in shard.Counters);
                items += shard.ItemCount;
                buckets += shard.BucketCount;
                for (int i = 0; i < classItems.Length; i++)
                {
                    classItems[i] += shard.ClassItems[i];
                    classBytes[i] += shard.ClassBytes[i];
                }
            }
        }
        var sizeClasses = new List<SizeClassStatistics>();
        for (int i = 0; i < classItems.Length; i++)
        {
            if (classItems[i] > 0)
                sizeClasses.Add(new SizeClassStatistics(i + 1, _sizeClasses.ChunkSize(i), classItems[i], classBytes[i]));
        }
        return new CacheStatistics
        {
            CurrentItems = items,
            TotalItems = total.TotalItems,
            Bytes = Volatile.Read(ref _itemBytes),
            LimitMaxBytes = MemoryLimit,
            GetHits = total.GetHits,
            GetMisses = total.GetMisses,
            GetExpired = total.GetExpired,
            GetFlushed = total.GetFlushed,
            TouchHits = total.TouchHits,
            TouchMisses = total.TouchMisses,
            SetCommands = total.SetCommands,
            DeleteHits = total.DeleteHits,
            DeleteMisses = total.DeleteMisses,
            IncrHits = total.IncrHits,
            IncrMisses = total.IncrMisses,
            DecrHits = total.DecrHits,
            DecrMisses = total.DecrMisses,
            CasHits = total.CasHits,
            CasMisses = total.CasMisses,
            CasBadValue = total.CasBadValue,
            Evictions = total.Evictions,
            EvictedUnfetched = total.EvictedUnfetched,
            ExpiredUnfetched = total.ExpiredUnfetched,
            Reclaimed = total.Reclaimed,
            CrawlerReclaimed = total.CrawlerReclaimed,
            FlushCommands = Interlocked.Read(ref _flushCommands),
            HashBuckets = buckets,
            SizeClasses = sizeClasses,
        };
    }

    /// <summary>Zeroes the operation counters (<c>stats reset</c>); item counts stay.</summary>
    public void ResetStatistics()
    {
        foreach (var shard in _shards)
        {
            using (shard.Acquire())
                shard.Counters = default;
        }
        Interlocked.Exchange(ref _flushCommands, 0);
    }

    /// <summary>Runs one pass of the background reclaimer over every shard (also called by its timer).</summary>
    public void ScanForExpired()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        long now = Now();
        foreach (var shard in _shards)
        {
            // Slices keep each lock hold short; a full pass over a large shard spreads over several ticks.
            using (shard.Acquire())
            {
                _scanNow = now;
                shard.ScanSlice(4096, _reclaimIfDead);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Waits for a reclaim pass that is running, so it never walks freed shards.
        _expiryTimer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var shard in _shards)
        {
            using (shard.Acquire())
                shard.Dispose();
        }
        _memory.Dispose();
    }

    /// <summary>
    /// Converts memcached's exptime to engine milliseconds: 0 never expires, up to 30 days is relative,
    /// larger is a Unix time, negative (or a Unix time already past) is expired.
    /// </summary>
    internal long ExpiryFromExptime(long exptime, long now)
    {
        if (exptime == 0)
            return 0;
        if (exptime < 0)
            return -1;
        if (exptime > MaxRelativeExptime)
        {
            // memcached accepts any 64-bit exptime; keep the millisecond arithmetic below from overflowing.
            exptime = Math.Min(exptime, long.MaxValue / 2000);
            long at = exptime * 1000 - _startUnixMs;
            return at <= now ? -1 : at;
        }
        return now + (exptime * 1000);
    }

    private long _scanNow;

    private bool ReclaimIfDeadLocked(IntPtr pointer)
    {
        var item = (ItemHeader*)pointer;
        if (!IsDead(item, _scanNow))
            return false;
        var shard = ShardFor(item->Hash);
        shard.Counters.CrawlerReclaimed++;
        RemoveDeadLocked(shard, item);
        return true;
    }

    /// <summary>Unlinks and frees an expired item, counting it as expired-unfetched when nobody read it.</summary>
    private void RemoveDeadLocked(CacheShard shard, ItemHeader* item)
    {
        if ((item->State & ItemState.Fetched) == 0)
            shard.Counters.ExpiredUnfetched++;
        shard.Unlink(item);
        Free(item);
    }

    // With the system clock, the coarse monotonic tick (a few ms of resolution, no TSC read) is plenty for
    // second-granular expiry and is read on every operation; tests inject a TimeProvider instead.
    private long NowMs() => _systemClock
        ? Environment.TickCount64 - _startTick
        : (long)_time.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    /// <summary>The engine clock, applying a delayed flush_all whose time has come.</summary>
    private long Now()
    {
        long now = NowMs();
        long pending = Volatile.Read(ref _pendingFlushAt);
        if (pending != 0 && now >= pending && Interlocked.CompareExchange(ref _pendingFlushAt, 0, pending) == pending)
            ClearAll();
        return now;
    }

    private void ClearAll()
    {
        foreach (var shard in _shards)
        {
            using (shard.Acquire())
                shard.Clear(_free);
        }
    }

    private static bool IsDead(ItemHeader* item, long now) => item->ExpiresAt != 0 && item->ExpiresAt <= now;

    private static long TtlSeconds(ItemHeader* item, long now)
    {
        if (item->ExpiresAt == 0)
            return -1;
        long remaining = item->ExpiresAt - now;
        return remaining <= 0 ? 0 : (remaining + 999) / 1000;
    }

    private ItemView View(ItemHeader* item, long now, bool win, bool stale, bool winTokenSent, long ttlBeforeTouch, bool created) => new()
    {
        Key = ItemHeader.KeySpan(item),
        Value = ItemHeader.ValueSpan(item),
        ClientFlags = item->ClientFlags,
        Cas = _casEnabled ? item->Cas : 0,
        TtlSeconds = TtlSeconds(item, now),
        SecondsSinceLastAccess = Math.Max(0, (now - item->LastAccess) / 1000),
        FetchedBefore = (item->State & ItemState.Fetched) != 0,
        Win = win,
        Stale = stale,
        WinTokenSent = winTokenSent,
        TtlBeforeTouchSeconds = ttlBeforeTouch,
        Created = created,
    };

    private void FillReply(ItemHeader* item, long now, ulong value, ref ArithmeticReply reply)
    {
        reply.Value = value;
        reply.Cas = _casEnabled ? item->Cas : 0;
        reply.TtlSeconds = TtlSeconds(item, now);
    }

    private ItemHeader* FindLiveLocked(CacheShard shard, ReadOnlySpan<byte> key, uint hash, long now, bool countReadMiss)
    {
        var item = shard.Find(key, hash);
        if (item == null || !IsDead(item, now))
            return item;
        // Lazy expiry: the first access after death reclaims the memory.
        if (countReadMiss)
            shard.Counters.GetExpired++;
        shard.Counters.Reclaimed++;
        RemoveDeadLocked(shard, item);
        return null;
    }

    /// <summary>
    /// Allocates an item with the key copied in, evicting least recently used items while the memory limit
    /// would be exceeded. <paramref name="keep"/> (the item being replaced) is never evicted. Null when full.
    /// </summary>
    private ItemHeader* AllocateLocked(CacheShard shard, ReadOnlySpan<byte> key, uint hash, int valueLength, ItemHeader* keep, long now)
    {
        long size = ItemHeader.TotalSize(key.Length, valueLength);
        if (!ReserveLocked(shard, ItemMemory.BlockSize(size), keep, now))
            return null;
        Interlocked.Add(ref _itemBytes, size);
        var item = (ItemHeader*)_memory.Allocate(size);
        *item = default;
        item->Hash = hash;
        item->KeyLength = (byte)key.Length;
        item->ValueLength = valueLength;
        item->LastAccess = now;
        item->SizeClass = (ushort)_sizeClasses.ClassOf(size);
        key.CopyTo(new Span<byte>(ItemHeader.KeyOf(item), key.Length));
        return item;
    }

    private bool ReserveLocked(CacheShard own, long size, ItemHeader* keep, long now)
    {
        // Bounded: each round frees at least one item or gives up.
        for (int round = 0; ; round++)
        {
            if (Interlocked.Add(ref _bytesUsed, size) <= Volatile.Read(ref _limit))
                return true;
            Interlocked.Add(ref _bytesUsed, -size);
            if (!_evictionsEnabled)
                return false;
            if (EvictOneLocked(own, now, keep))
                continue;
            if (!EvictFromOtherShard(own, now) && round > _shards.Length * 4)
                return false;
        }
    }

    // Other shards are only try-locked: waiting for them while holding our own lock could deadlock.
    private bool EvictFromOtherShard(CacheShard own, long now)
    {
        int start = Environment.CurrentManagedThreadId;
        for (int i = 0; i < _shards.Length; i++)
        {
            var shard = _shards[(start + i) & (_shards.Length - 1)];
            if (shard == own || !shard.TryEnterLock())
                continue;
            try
            {
                if (EvictOneLocked(shard, now, null))
                    return true;
            }
            finally
            {
                shard.ExitLock();
            }
        }
        return false;
    }

    private bool EvictOneLocked(CacheShard shard, long now, ItemHeader* keep)
    {
        var victim = shard.LeastRecentlyUsed;
        if (victim == keep && victim != null)
            victim = victim->LruPrev;
        if (victim == null)
            return false;
        if (IsDead(victim, now))
        {
            shard.Counters.Reclaimed++;
            RemoveDeadLocked(shard, victim);
            return true;
        }
        shard.Counters.Evictions++;
        if ((victim->State & ItemState.Fetched) == 0)
            shard.Counters.EvictedUnfetched++;
        shard.Unlink(victim);
        Free(victim);
        return true;
    }

    private void Free(ItemHeader* item)
    {
        long size = ItemHeader.TotalSize(item);
        Interlocked.Add(ref _itemBytes, -size);
        Interlocked.Add(ref _bytesUsed, -ItemMemory.BlockSize(size));
        _memory.Free(item, size);
    }

    private ulong NextCas() => Interlocked.Increment(ref _casCounter);

    private ulong VisibleCas(ItemHeader* item) => _casEnabled ? item->Cas : 0;

    private CacheShard ShardFor(uint hash) => _shards[_shardShift == 32 ? 0 : (int)(hash >> _shardShift)];

    private static uint Hash(ReadOnlySpan<byte> key)
    {
        // HashCode is seeded per process, so nobody can craft keys that collide in our index.
        var hasher = default(HashCode);
        hasher.AddBytes(key);
        return (uint)hasher.ToHashCode();
    }

    private static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length is 0 or > MaxKeyLength)
            throw new ArgumentException($"key length must be 1-{MaxKeyLength} bytes", nameof(key));
    }

    /// <summary>
    /// memcached's <c>safe_strtoull</c> rules for counters: leading whitespace, an optional '+', digits, and
    /// then the end or whitespace (anything after that whitespace is ignored, as strtoull stops there).
    /// </summary>
    internal static bool TryParseCounter(ReadOnlySpan<byte> value, out ulong number)
    {
        number = 0;
        int i = 0;
        while (i < value.Length && IsSpace(value[i]))
            i++;
        if (i < value.Length && value[i] == (byte)'+')
            i++;
        int digitsStart = i;
        while (i < value.Length && value[i] is >= (byte)'0' and <= (byte)'9')
        {
            ulong digit = (ulong)(value[i] - '0');
            if (number > (ulong.MaxValue - digit) / 10)
                return false;
            number = number * 10 + digit;
            i++;
        }
        if (i == digitsStart)
            return false;
        return i == value.Length || IsSpace(value[i]);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
