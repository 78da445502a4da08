namespace Hoard.Client;

/// <summary>A value read from the cache with its 32-bit client flags and its CAS token.</summary>
public readonly record struct CacheItem(ReadOnlyMemory<byte> Value, uint Flags, ulong Cas);

/// <summary>The outcome of a store command.</summary>
public enum StoreResult
{
    /// <summary>The value was stored.</summary>
    Stored,
    /// <summary><c>add</c> found the key, or <c>replace</c>/<c>append</c>/<c>prepend</c> did not.</summary>
    NotStored,
    /// <summary><c>cas</c>: the item changed since its CAS token was read.</summary>
    Exists,
    /// <summary><c>cas</c>: the item no longer exists.</summary>
    NotFound,
}

/// <summary>Which store command: memcached's set, add, replace, append, prepend.</summary>
public enum StoreMode
{
    Set,
    Add,
    Replace,
    Append,
    Prepend,
}
