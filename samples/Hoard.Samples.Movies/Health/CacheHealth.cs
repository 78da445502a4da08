namespace Hoard.Samples.Movies.Health;

/// <summary>Every configured cache node; <see cref="Status"/> is <c>up</c>, <c>degraded</c> (some down) or <c>down</c> (all).</summary>
public sealed record CacheHealth(string Status, IReadOnlyList<CacheNodeHealth> Nodes);
