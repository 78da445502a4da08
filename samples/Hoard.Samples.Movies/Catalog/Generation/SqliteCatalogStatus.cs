namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>Where the embedded catalogue is, whether this start created it, and how long that took.</summary>
internal sealed record SqliteCatalogStatus(string Path, bool Created, long Films, TimeSpan Elapsed);
