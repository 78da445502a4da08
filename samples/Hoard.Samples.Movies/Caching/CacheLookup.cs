namespace Hoard.Samples.Movies.Caching;

/// <summary>A value read through the cache, with what the page tells about it.</summary>
/// <param name="Value">The data.</param>
/// <param name="Provenance">Where it came from, how long that took, and which cache node holds its key.</param>
public sealed record CacheLookup<T>(T Value, LookupProvenance Provenance);
