namespace Hoard.Samples.Movies.Health;

/// <summary>The database as the health check saw it; <see cref="Status"/> is <c>up</c> or <c>down</c>.</summary>
public sealed record DatabaseHealth(string Status, string Source, int? Films, double LatencyMs, string? Error);
