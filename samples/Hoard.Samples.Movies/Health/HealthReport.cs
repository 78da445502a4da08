namespace Hoard.Samples.Movies.Health;

/// <summary>
/// The body of <c>/health</c>. <see cref="Status"/>: <c>healthy</c>; <c>degraded</c> when cache nodes are
/// down (pages still work, from the database); <c>unhealthy</c> when the database is down (HTTP 503).
/// </summary>
public sealed record HealthReport(string Status, DatabaseHealth Database, CacheHealth Cache, LookupTotals Lookups);
