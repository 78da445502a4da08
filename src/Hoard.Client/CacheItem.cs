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

/// <summary>What a read into a caller's buffer found: whether the key was there, and its flags and CAS.</summary>
public readonly record struct CacheLookup(bool Found, uint Flags, ulong Cas);

/// <summary>How a read without exceptions ended.</summary>
public enum CacheResultStatus
{
    Hit,
    Miss,
    /// <summary>The server could not be reached, timed out or refused; <see cref="CacheResult.Error"/> says why.</summary>
    Failed,
}

/// <summary>
/// A read that reports failures as a status instead of throwing, for callers that treat the cache as
/// optional (<see cref="HoardClient.TryGetAsync"/>). The failure is still counted and logged by the client.
/// </summary>
public readonly record struct CacheResult(CacheResultStatus Status, CacheItem? Item, HoardException? Error)
{
    public bool IsHit => Status == CacheResultStatus.Hit;
}
