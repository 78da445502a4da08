using Hoard.Samples.Movies.Caching;

namespace Hoard.Samples.Movies.Films;

/// <summary>The outcome of the admin action: the database write, then the cache delete.</summary>
/// <param name="FilmId">The film.</param>
/// <param name="RentalRate">The rate written.</param>
/// <param name="Found">Whether the film exists (nothing was written otherwise).</param>
/// <param name="Invalidation">What deleting the film's key did; null when nothing was written.</param>
public sealed record RentalRateChange(int FilmId, decimal RentalRate, bool Found, CacheInvalidation? Invalidation);
