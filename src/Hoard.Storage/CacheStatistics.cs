namespace Hoard.Storage;

/// <summary>A snapshot of the engine's counters, named after memcached's <c>stats</c> fields.</summary>
public sealed class CacheStatistics
{
    public long CurrentItems { get; init; }
    public long TotalItems { get; init; }
    public long Bytes { get; init; }
    public long LimitMaxBytes { get; init; }
    public long GetHits { get; init; }
    public long GetMisses { get; init; }
    public long GetExpired { get; init; }
    public long GetFlushed { get; init; }
    public long TouchHits { get; init; }
    public long TouchMisses { get; init; }
    public long SetCommands { get; init; }
    public long DeleteHits { get; init; }
    public long DeleteMisses { get; init; }
    public long IncrHits { get; init; }
    public long IncrMisses { get; init; }
    public long DecrHits { get; init; }
    public long DecrMisses { get; init; }
    public long CasHits { get; init; }
    public long CasMisses { get; init; }
    public long CasBadValue { get; init; }
    public long Evictions { get; init; }
    public long EvictedUnfetched { get; init; }
    public long ExpiredUnfetched { get; init; }
    public long Reclaimed { get; init; }
    public long CrawlerReclaimed { get; init; }
    public long FlushCommands { get; init; }
    public long HashBuckets { get; init; }

    /// <summary>Items per memcached-style size class: .</summary>
    public IReadOnlyList<SizeClassStatistics> SizeClasses { get; init; } = [];
}

/// <summary>Items grouped as memcached's slab classes would hold them (chunk sizes growing by 1.25).</summary>
public sealed record SizeClassStatistics(int Id, int ChunkSize, long Items, long Bytes);
