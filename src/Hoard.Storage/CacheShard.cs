using System.Runtime.InteropServices;

namespace Hoard.Storage;

/// <summary>
/// One lock-protected partition of the cache: a chained hash index and an LRU list over items in native
/// memory. All members must be used with the shard's lock held (<see cref="Acquire"/>).
/// </summary>
internal sealed unsafe class CacheShard : IDisposable
{
    private const int InitialBucketCount = 1024;

    private ItemHeader** _buckets;
    private int _bucketMask;
    private ItemHeader* _lruHead;   // most recently used
    private ItemHeader* _lruTail;   // least recently used, evicted first
    private int _scanCursor;

    private ShardLock _lock;

    public ShardCounters Counters;

    public CacheShard(int sizeClassCount)
    {
        ClassItems = new long[sizeClassCount];
        ClassBytes = new long[sizeClassCount];
        _buckets = (ItemHeader**)NativeMemory.AllocZeroed((nuint)InitialBucketCount, (nuint)sizeof(ItemHeader*));
        _bucketMask = InitialBucketCount - 1;
    }

    public ShardLockScope Acquire() => new(this);

    public bool TryEnterLock() => _lock.TryEnter();

    public void EnterLock() => _lock.Enter();

    public void ExitLock() => _lock.Exit();

    public long ItemCount { get; private set; }

    public ItemHeader* LeastRecentlyUsed => _lruTail;

    public long BucketCount => _bucketMask + 1;

    /// <summary>Items and bytes per size class (index = <see cref="ItemHeader.SizeClass"/>).</summary>
    public long[] ClassItems { get; }

    public long[] ClassBytes { get; }

    public ItemHeader* Find(ReadOnlySpan<byte> key, uint hash)
    {
        for (var item = _buckets[hash & (uint)_bucketMask]; item != null; item = item->HashNext)
        {
            if (item->Hash == hash && ItemHeader.KeySpan(item).SequenceEqual(key))
                return item;
        }
        return null;
    }

    /// <summary>Adds an item that is not in the index yet, as most recently used.</summary>
    public void Link(ItemHeader* item)
    {
        ref var bucket = ref _buckets[item->Hash & (uint)_bucketMask];
        item->HashNext = bucket;
        bucket = item;
        PushFront(item);
        ItemCount++;
        long size = ItemHeader.TotalSize(item);
        ClassItems[item->SizeClass]++;
        ClassBytes[item->SizeClass] += size;
        if (ItemCount > (long)(_bucketMask + 1) * 3 / 2)
            Grow();
    }

    public void Unlink(ItemHeader* item)
    {
        ref var link = ref _buckets[item->Hash & (uint)_bucketMask];
        while (link != item)
            link = ref link->HashNext;
        link = item->HashNext;
        RemoveFromLru(item);
        ItemCount--;
        long size = ItemHeader.TotalSize(item);
        ClassItems[item->SizeClass]--;
        ClassBytes[item->SizeClass] -= size;
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="existing"/> was in the index and at the LRU head.</summary>
    public void Replace(ItemHeader* existing, ItemHeader* replacement)
    {
        Unlink(existing);
        Link(replacement);
    }

    public void Bump(ItemHeader* item)
    {
        if (_lruHead == item)
            return;
        RemoveFromLru(item);
        PushFront(item);
    }

    /// <summary>Offers the next slice of items to <paramref name="removeIfDead"/>; returns false when a full pass just ended.</summary>
    public bool ScanSlice(int bucketBudget, Func<IntPtr, bool> removeIfDead)
    {
        int end = Math.Min(_scanCursor + bucketBudget, _bucketMask + 1);
        for (int b = _scanCursor; b < end; b++)
        {
            var item = _buckets[b];
            while (item != null)
            {
                var next = item->HashNext;
                removeIfDead((IntPtr)item);
                item = next;
            }
        }
        _scanCursor = end > _bucketMask ? 0 : end;
        return _scanCursor != 0;
    }

    /// <summary>Detaches every item and hands it to <paramref name="free"/>.</summary>
    public void Clear(Action<IntPtr> free)
    {
        var item = _lruHead;
        while (item != null)
        {
            var next = item->LruNext;
            free((IntPtr)item);
            item = next;
        }
        NativeMemory.Clear(_buckets, (nuint)(_bucketMask + 1) * (nuint)sizeof(ItemHeader*));
        _lruHead = _lruTail = null;
        ItemCount = 0;
        Array.Clear(ClassItems);
        Array.Clear(ClassBytes);
        _scanCursor = 0;
    }

    public void Dispose()
    {
        Clear(p => NativeMemory.Free((void*)p));
        NativeMemory.Free(_buckets);
        _buckets = null;
    }

    private void PushFront(ItemHeader* item)
    {
        item->LruPrev = null;
        item->LruNext = _lruHead;
        if (_lruHead != null)
            _lruHead->LruPrev = item;
        _lruHead = item;
        if (_lruTail == null)
            _lruTail = item;
    }

    private void RemoveFromLru(ItemHeader* item)
    {
        if (item->LruPrev != null)
            item->LruPrev->LruNext = item->LruNext;
        else
            _lruHead = item->LruNext;
        if (item->LruNext != null)
            item->LruNext->LruPrev = item->LruPrev;
        else
            _lruTail = item->LruPrev;
        item->LruPrev = item->LruNext = null;
    }

    // Doubling under the shard lock pauses only this shard (1/ShardCount of the items).
    private void Grow()
    {
        int newCount = (_bucketMask + 1) * 2;
        var newBuckets = (ItemHeader**)NativeMemory.AllocZeroed((nuint)newCount, (nuint)sizeof(ItemHeader*));
        uint newMask = (uint)newCount - 1;
        for (int b = 0; b <= _bucketMask; b++)
        {
            var item = _buckets[b];
            while (item != null)
            {
                var next = item->HashNext;
                ref var bucket = ref newBuckets[item->Hash & newMask];
                item->HashNext = bucket;
                bucket = item;
                item = next;
            }
        }
        NativeMemory.Free(_buckets);
        _buckets = newBuckets;
        _bucketMask = (int)newMask;
        _scanCursor = 0;
    }
}

/// <summary>Operation counters of one shard, updated under its lock and summed for <c>stats</c>.</summary>
internal struct ShardCounters
{
    public long GetHits, GetMisses, GetExpired, GetFlushed;
    public long TouchHits, TouchMisses;
    public long SetCommands;
    public long DeleteHits, DeleteMisses;
    public long IncrHits, IncrMisses, DecrHits, DecrMisses;
    public long CasHits, CasMisses, CasBadValue;
    public long Evictions, EvictedUnfetched, ExpiredUnfetched, Reclaimed, CrawlerReclaimed;
    public long TotalItems;

    public void Add(in ShardCounters other)
    {
        GetHits += other.GetHits; GetMisses += other.GetMisses; GetExpired += other.GetExpired; GetFlushed += other.GetFlushed;
        TouchHits += other.TouchHits; TouchMisses += other.TouchMisses;
        SetCommands += other.SetCommands;
        DeleteHits += other.DeleteHits; DeleteMisses += other.DeleteMisses;
        IncrHits += other.IncrHits; IncrMisses += other.IncrMisses; DecrHits += other.DecrHits; DecrMisses += other.DecrMisses;
        CasHits += other.CasHits; CasMisses += other.CasMisses; CasBadValue += other.CasBadValue;
        Evictions += other.Evictions; EvictedUnfetched += other.EvictedUnfetched; ExpiredUnfetched += other.ExpiredUnfetched;
        Reclaimed += other.Reclaimed; CrawlerReclaimed += other.CrawlerReclaimed;
        TotalItems += other.TotalItems;
    }
}
