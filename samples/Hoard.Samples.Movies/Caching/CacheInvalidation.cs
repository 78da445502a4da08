namespace Hoard.Samples.Movies.Caching;

/// <summary>What deleting a key after a database write did.</summary>
/// <param name="Key">The key deleted.</param>
/// <param name="Node">The node it was deleted on (<c>host:port</c>).</param>
/// <param name="Existed">Whether the key was cached.</param>
/// <param name="Error">Why the delete failed; null when it worked. A failed delete leaves a stale value for at most the TTL.</param>
public sealed record CacheInvalidation(string Key, string? Node, bool Existed, string? Error)
{
    public bool Succeeded => Error is null;
}
