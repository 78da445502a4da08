using System.Data.Common;
using System.Diagnostics;
using Hoard.Client;
using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Diagnostics;

namespace Hoard.Samples.Movies.Health;

/// <summary>Checks the database and every cache node at once, each with a short deadline.</summary>
public sealed class HealthCheck(IFilmRepository repository, HoardClient cache, MoviesMetrics metrics)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var nodes = Task.WhenAll(cache.Servers.Select(server => CacheNodeProbe.ProbeAsync(server, ProbeTimeout, cancellationToken)));
        var database = await CheckDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var nodeHealth = await nodes.ConfigureAwait(false);
        int up = nodeHealth.Count(n => n.Up);
        string cacheStatus = up == nodeHealth.Length ? "up" : up == 0 ? "down" : "degraded";
        string status = database.Status != "up" ? "unhealthy" : cacheStatus == "up" ? "healthy" : "degraded";
        var totals = new LookupTotals(metrics.CacheHits, metrics.DatabaseReads, metrics.DegradedLookups, metrics.DatabaseLoads);
        return new HealthReport(status, database, new CacheHealth(cacheStatus, nodeHealth), totals);
    }

    private async Task<DatabaseHealth> CheckDatabaseAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(DatabaseTimeout);
        try
        {
            var check = await repository.CheckAsync(deadline.Token).ConfigureAwait(false);
            return new DatabaseHealth("up", repository.Description, check.FilmCount, check.Elapsed.TotalMilliseconds, null);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string error = ex is OperationCanceledException ? $"no answer within {DatabaseTimeout.TotalSeconds:0} s" : ex.Message;
            return new DatabaseHealth("down", repository.Description, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);
        }
    }
}
