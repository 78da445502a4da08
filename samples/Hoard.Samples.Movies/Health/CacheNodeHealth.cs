namespace Hoard.Samples.Movies.Health;

/// <summary>One cache node as the health check saw it.</summary>
public sealed record CacheNodeHealth(string Server, bool Up, string? Version, double LatencyMs, string? Error);
