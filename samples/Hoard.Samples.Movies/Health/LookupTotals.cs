namespace Hoard.Samples.Movies.Health;

/// <summary>Lookups since start, by where their data came from, and the database loads they caused.</summary>
public sealed record LookupTotals(long FromCache, long FromDatabase, long Degraded, long DatabaseLoads);
