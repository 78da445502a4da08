using System.Diagnostics.Metrics;
using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Samples.Movies.Tests.Unit;

public sealed class MetricsCollectorTests
{
    [Fact]
    public void Recorded_lookups_appear_as_prometheus_counters_and_summaries()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(meterFactory);
        var metrics = new MoviesMetrics(meterFactory);

        metrics.Lookup("film", new LookupProvenance(DataSource.Database, TimeSpan.FromMilliseconds(250), "k", "n:1", null, false));
        metrics.Lookup("film", new LookupProvenance(DataSource.Cache, TimeSpan.FromMilliseconds(1), "k", "n:1", null, false));
        metrics.Lookup("film", new LookupProvenance(DataSource.Cache, TimeSpan.FromMilliseconds(3), "k", "n:1", null, true));
        metrics.DatabaseLoad("film");
        string text = collector.Render();

        Assert.Contains("# TYPE movies_lookups_total counter", text, StringComparison.Ordinal);
        Assert.Contains("movies_lookups_total{movies_degraded=\"false\",movies_kind=\"film\",movies_source=\"cache\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("movies_lookups_total{movies_degraded=\"false\",movies_kind=\"film\",movies_source=\"database\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE movies_lookup_duration_seconds summary", text, StringComparison.Ordinal);
        Assert.Contains("movies_lookup_duration_seconds_count{movies_kind=\"film\",movies_source=\"cache\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("movies_lookup_duration_seconds_sum{movies_kind=\"film\",movies_source=\"database\"} 0.25", text, StringComparison.Ordinal);
        Assert.Contains("movies_database_loads_total{movies_kind=\"film\"} 1", text, StringComparison.Ordinal);
        Assert.Equal(2, metrics.CacheHits);
        Assert.Equal(1, metrics.DatabaseReads);
    }
}
