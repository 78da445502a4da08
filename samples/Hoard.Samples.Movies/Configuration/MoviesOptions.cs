namespace Hoard.Samples.Movies.Configuration;

/// <summary>The sample's settings, section <c>Movies</c> (the cache's own are in section <c>Hoard</c>).</summary>
public sealed class MoviesOptions
{
    public const string SectionName = "Movies";

    /// <summary>
    /// A MySQL/MariaDB connection string to a sakila database (<c>Server=...;Database=sakila;User ID=...</c>).
    /// When set, the app reads it instead of its generated SQLite catalogue.
    /// </summary>
    public string? MySql { get; set; }

    /// <summary>
    /// Where the app keeps its files: the generated SQLite catalogue and the keys that protect its forms
    /// (default: the user's local data folder, <c>hoard-movies</c>).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>How long a cached value lives. Expiry bounds how stale a value can get when an invalidation is lost.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the caller that won a key's lease may take to load it before the others stop waiting and load it themselves.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Films per page of the list.</summary>
    public int PageSize { get; set; } = 20;

    /// <summary>
    /// Prefix of every cache key. Default <c>movies:v1:generated</c> or <c>movies:v1:sakila</c>, so the two
    /// data sets never read each other's values from a shared cache.
    /// </summary>
    public string? KeyPrefix { get; set; }

    public bool UsesMySql => !string.IsNullOrWhiteSpace(MySql);

    public string EffectiveDataDirectory => string.IsNullOrWhiteSpace(DataDirectory)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "hoard-movies")
        : Path.GetFullPath(DataDirectory);

    public string EffectiveKeyPrefix => string.IsNullOrWhiteSpace(KeyPrefix)
        ? (UsesMySql ? "movies:v1:sakila" : "movies:v1:generated")
        : KeyPrefix;
}
