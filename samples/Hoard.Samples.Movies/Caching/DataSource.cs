namespace Hoard.Samples.Movies.Caching;

/// <summary>Where a page's data came from.</summary>
public enum DataSource
{
    /// <summary>A cache hit (or the value another caller had just stored while this one waited for it).</summary>
    Cache,

    /// <summary>Loaded from the database: on a miss (and then stored in the cache), or because the cache failed.</summary>
    Database,
}
