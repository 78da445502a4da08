namespace Hoard.Storage;

/// <summary>Limits and switches of a <see cref="CacheEngine"/>.</summary>
public sealed class CacheOptions
{
    /// <summary>Most bytes of items (header + key + value) kept before the LRU evicts (memcached's <c>-m</c>).</summary>
    public long MemoryLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest item, header + key + value (memcached's <c>-I</c>).</summary>
    public int MaxItemSize { get; set; } = 1024 * 1024;

    /// <summary>When false, a full cache refuses new items instead of evicting (memcached's <c>-M</c>).</summary>
    public bool EvictionsEnabled { get; set; } = true;

    /// <summary>When false, items report CAS 0 (memcached's <c>-C</c>).</summary>
    public bool CasEnabled { get; set; } = true;

    /// <summary>
    /// Number of independently locked partitions of the index; a power of two. More shards mean less lock
    /// contention between worker threads; each keeps its own LRU list.
    /// </summary>
    public int ShardCount { get; set; } = 64;

    /// <summary>How often the background pass looks for expired items to reclaim.</summary>
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromSeconds(1);
}
