namespace Hoard.Samples.Movies.Caching;

/// <summary>
/// What is stored under a key: the value, which may be null ("no such film"). A factory of
/// <c>HoardClient.GetOrCreateAsync</c> must not return null (nothing would be stored and the lease placeholder
/// would make other callers wait for its timeout), and caching the absence spares the database repeated
/// lookups of a missing id.
/// </summary>
public sealed record CacheEnvelope<T>(T? Value);
