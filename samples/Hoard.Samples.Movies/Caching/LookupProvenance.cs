namespace Hoard.Samples.Movies.Caching;

/// <summary>How one lookup went: what every page shows under its data.</summary>
/// <param name="Source">Cache or database.</param>
/// <param name="Elapsed">The time this request spent on the lookup (waiting for a shared one included).</param>
/// <param name="Key">The cache key.</param>
/// <param name="Node">The cache node the key belongs to (<c>host:port</c>); null when no node is known.</param>
/// <param name="CacheError">Why the cache could not be used; null when it was. Set means the page came from the database alone.</param>
/// <param name="Shared">True when this request joined a lookup of the same key already running in this process.</param>
public sealed record LookupProvenance(DataSource Source, TimeSpan Elapsed, string Key, string? Node, string? CacheError, bool Shared)
{
    /// <summary>The cache failed and the data came from the database without it.</summary>
    public bool Degraded => CacheError is not null;

    /// <summary>The sentence the page shows.</summary>
    public string Message => (Source, Degraded) switch
    {
        (DataSource.Cache, _) => "Loaded data from cache",
        (DataSource.Database, false) => "Updated cache with database data",
        _ => "Loaded data from database (cache unavailable)",
    };
}
