using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hoard.Samples.Movies.Caching;

namespace Hoard.Samples.Movies.Diagnostics;

/// <summary>
/// The sample's instruments, on the <c>Hoard.Samples.Movies</c> meter (<c>dotnet-counters monitor --counters
/// Hoard.Samples.Movies</c>), plus running totals for the health report.
/// </summary>
public sealed class MoviesMetrics
{
    public const string MeterName = "Hoard.Samples.Movies";

    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _lookupDuration;
    private readonly Counter<long> _databaseLoads;
    private readonly Counter<long> _cacheFailures;
    private readonly Counter<long> _invalidations;
    private long _cacheHits;
    private long _databaseReads;
    private long _degraded;
    private long _loads;

    public MoviesMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("movies.lookups", "{lookup}", "Page data lookups, by what was looked up and where the data came from");
        _lookupDuration = meter.CreateHistogram<double>("movies.lookup.duration", "s", "Time a request spent getting its data");
        _databaseLoads = meter.CreateCounter<long>("movies.database.loads", "{load}", "Loads from the database (misses and cache failures)");
        _cacheFailures = meter.CreateCounter<long>("movies.cache.failures", "{failure}", "Cache operations that failed and were worked around");
        _invalidations = meter.CreateCounter<long>("movies.invalidations", "{delete}", "Keys deleted after database writes, by outcome");
    }

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    public long DatabaseReads => Interlocked.Read(ref _databaseReads);

    public long DegradedLookups => Interlocked.Read(ref _degraded);

    public long DatabaseLoads => Interlocked.Read(ref _loads);

    public void Lookup(string kind, LookupProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        string source = provenance.Source == DataSource.Cache ? "cache" : "database";
        var tags = new TagList { { "movies.kind", kind }, { "movies.source", source }, { "movies.degraded", provenance.Degraded } };
        _lookups.Add(1, tags);
        _lookupDuration.Record(provenance.Elapsed.TotalSeconds, new TagList { { "movies.kind", kind }, { "movies.source", source } });
        Interlocked.Increment(ref provenance.Source == DataSource.Cache ? ref _cacheHits : ref _databaseReads);
        if (provenance.Degraded)
            Interlocked.Increment(ref _degraded);
    }

    public void DatabaseLoad(string kind)
    {
        _databaseLoads.Add(1, new KeyValuePair<string, object?>("movies.kind", kind));
        Interlocked.Increment(ref _loads);
    }

    public void CacheFailure(string operation) =>
        _cacheFailures.Add(1, new KeyValuePair<string, object?>("movies.operation", operation));

    public void Invalidation(string outcome) =>
        _invalidations.Add(1, new KeyValuePair<string, object?>("movies.outcome", outcome));
}
