using System.Diagnostics;
using Hoard.Client;
using Hoard.Samples.Movies.Configuration;
using Hoard.Samples.Movies.Diagnostics;
using Microsoft.Extensions.Options;

namespace Hoard.Samples.Movies.Caching;

/// <summary>
/// Look-aside (cache-aside) reads and invalidations over Hoard:
/// <list type="bullet">
/// <item>a read asks the cache; on a miss one caller loads from the database and stores the value with a TTL;</item>
/// <item>one loader per key: in this process through <see cref="SingleFlight"/>, across processes through the
/// cache's lease (<see cref="HoardClient.GetOrCreateAsync{T}"/>, memcached's meta <c>mg N</c>);</item>
/// <item>when the cache fails, the value comes from the database and the lookup says so (the page shows a
/// banner) instead of failing the page;</item>
/// <item>a write deletes the key after the database commit; a lease winner that read before the write cannot
/// store its stale value over the delete (its CAS no longer matches).</item>
/// </list>
/// </summary>
public sealed class LookAsideCache
{
    private readonly HoardClient _client;
    private readonly MoviesMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;
    private readonly GetOrCreateOptions _leaseOptions;
    private readonly SingleFlight _flights = new();

    public LookAsideCache(HoardClient client, IOptions<MoviesOptions> options, MoviesMetrics metrics, ILogger<LookAsideCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _metrics = metrics;
        _logger = logger;
        _ttl = options.Value.CacheTtl;
        _leaseOptions = new GetOrCreateOptions { LockTimeout = options.Value.LeaseTimeout };
    }

    /// <summary>
    /// The value under <paramref name="key"/>, loaded by <paramref name="load"/> on a miss (by one caller at a
    /// time per key). Database failures propagate; cache failures do not.
    /// </summary>
    /// <param name="kind">What is looked up (<c>film</c>, <c>search</c>): a metrics tag.</param>
    /// <param name="key">The cache key.</param>
    /// <param name="load">Reads the value from the database.</param>
    /// <param name="cancellationToken">Stops this caller waiting; the lookup itself goes on for the others.</param>
    public async Task<CacheLookup<T>> GetOrLoadAsync<T>(string kind, string key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        long started = Stopwatch.GetTimestamp();
        var (fetched, shared) = await _flights.RunAsync(key, () => FetchAsync(kind, key, load), cancellationToken).ConfigureAwait(false);
        var provenance = new LookupProvenance(fetched.Source, Stopwatch.GetElapsedTime(started), key, fetched.Node, fetched.CacheError, shared);
        _metrics.Lookup(kind, provenance);
        return new CacheLookup<T>(fetched.Value, provenance);
    }

    /// <summary>
    /// Deletes <paramref name="key"/>: call after the database write has committed, never before (a reader in
    /// between would cache the old row again). A failure is reported, not thrown: the write has happened, and
    /// the stale value lasts at most the TTL.
    /// </summary>
    public async Task<CacheInvalidation> InvalidateAsync(string key, CancellationToken cancellationToken)
    {
        string? node = null;
        string? error = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            node = TryLocate(key, out var locateError);
            if (node is null)
                return Failed(key, null, locateError!);
            try
            {
                bool existed = await _client.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                _metrics.Invalidation(existed ? "deleted" : "absent");
                return new CacheInvalidation(key, node, existed, null);
            }
            catch (HoardException ex)
            {
                error = ex.Message;
                // The failure may have taken the node out of the ring: the key now belongs to another node, which
                // may hold a copy from an earlier outage of this one. Delete it there too.
                if (TryLocate(key, out _) == node)
                    break;
            }
        }
        return Failed(key, node, error!);
    }

    private CacheInvalidation Failed(string key, string? node, string error)
    {
        _metrics.CacheFailure("delete");
        _metrics.Invalidation("failed");
        Log.InvalidationFailed(_logger, key, node ?? "-", error);
        return new CacheInvalidation(key, node, false, error);
    }

    /// <summary>One lookup for all the callers of a key: lease read, load on a miss, database alone on cache failure.</summary>
    private async Task<Fetched<T>> FetchAsync<T>(string kind, string key, Func<CancellationToken, Task<T>> load)
    {
        string? error = null;
        string? node = null;
        // Twice at most: a failure that ejects the key's node moves the key to another node, worth one more try.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            node = TryLocate(key, out var locateError);
            if (node is null)
            {
                error = locateError;
                break;
            }
            var loader = new Loader<T>(load, _metrics, kind);
            try
            {
                var envelope = await _client.GetOrCreateAsync(key, loader.LoadAsync, _ttl, _leaseOptions, CancellationToken.None).ConfigureAwait(false);
                if (envelope is not null)
                    return new Fetched<T>(envelope.Value!, loader.Ran ? DataSource.Database : DataSource.Cache, node, null);
                // A stored JSON null, which this application never writes: read it as a miss the cache cannot fill.
                error = $"the value under {key} is empty";
                break;
            }
            catch (HoardException ex)
            {
                _metrics.CacheFailure("lookup");
                // Loaded, but storing it failed: the value is good, only the cache is not.
                if (loader.Ran)
                    return new Fetched<T>(loader.Value!, DataSource.Database, node, ex.Message);
                error = ex.Message;
                if (TryLocate(key, out _) == node)
                    break;
            }
        }
        Log.CacheUnavailable(_logger, key, node ?? "-", error!);
        var value = await load(CancellationToken.None).ConfigureAwait(false);
        _metrics.DatabaseLoad(kind);
        return new Fetched<T>(value, DataSource.Database, node, error);
    }

    private string? TryLocate(string key, out string? error)
    {
        try
        {
            error = null;
            return _client.Locate(key).HostPort;
        }
        catch (HoardException ex)
        {
            // Discovery has not found any server yet.
            error = ex.Message;
            return null;
        }
    }

    /// <summary>The factory handed to the lease: remembers whether it ran (a miss) and what it loaded.</summary>
    private sealed class Loader<T>(Func<CancellationToken, Task<T>> load, MoviesMetrics metrics, string kind)
    {
        public bool Ran { get; private set; }

        public T? Value { get; private set; }

        public async ValueTask<CacheEnvelope<T>> LoadAsync(CancellationToken cancellationToken)
        {
            Value = await load(cancellationToken).ConfigureAwait(false);
            Ran = true;
            metrics.DatabaseLoad(kind);
            return new CacheEnvelope<T>(Value);
        }
    }

    private sealed record Fetched<T>(T Value, DataSource Source, string? Node, string? CacheError);
}
