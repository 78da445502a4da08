using System.Diagnostics;
using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Films;
using Hoard.Samples.Movies.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Samples.Movies.Tests.Unit;

/// <summary>The look-aside reads and invalidations over three real hoard nodes.</summary>
public sealed class LookAsideCacheTests(HoardClusterFixture fixture) : IClassFixture<HoardClusterFixture>
{
    private readonly string _servers = fixture.Cluster.ServerList;

    private static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Fifty_concurrent_requests_for_a_missing_key_load_the_database_once()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(7)) { ReadDelay = TimeSpan.FromMilliseconds(300) };
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await catalog.GetFilmAsync(7, CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, repository.FilmReads);
        Assert.All(results, r => Assert.Equal("FILM 7", r.Value!.Title));
        Assert.All(results, r => Assert.Equal(DataSource.Database, r.Provenance.Source));
        Assert.All(results, r => Assert.False(r.Provenance.Degraded));
        // One request led the lookup; the others joined it.
        Assert.Single(results, r => !r.Provenance.Shared);

        var again = await catalog.GetFilmAsync(7, CancellationToken.None);
        Assert.Equal(DataSource.Cache, again.Provenance.Source);
        Assert.Equal(1, repository.FilmReads);
    }

    [Fact]
    public async Task Two_processes_missing_the_same_key_load_it_once_through_the_lease()
    {
        // Two harnesses are two applications: separate clients, separate single flights, one cache.
        string prefix = UniquePrefix();
        await using var first = new CacheHarness(_servers, keyPrefix: prefix);
        await using var second = new CacheHarness(_servers, keyPrefix: prefix);
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(11)) { ReadDelay = TimeSpan.FromMilliseconds(500) };
        var catalogs = new[]
        {
            new FilmCatalog(repository, first.Cache, first.Keys, first.OptionsValue, NullLogger<FilmCatalog>.Instance),
            new FilmCatalog(repository, second.Cache, second.Keys, second.OptionsValue, NullLogger<FilmCatalog>.Instance),
        };

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await catalogs[i % 2].GetFilmAsync(11, CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, repository.FilmReads);
        Assert.All(results, r => Assert.Equal("FILM 11", r.Value!.Title));
        // The process that lost the lease waited for the winner's value and read it from the cache.
        Assert.Contains(results, r => r.Provenance.Source == DataSource.Cache);
        Assert.Contains(results, r => r.Provenance.Source == DataSource.Database);
    }

    [Fact]
    public async Task A_second_read_is_a_cache_hit_on_the_node_the_client_locates()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(3));
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);

        var first = await catalog.GetFilmAsync(3, CancellationToken.None);
        var second = await catalog.GetFilmAsync(3, CancellationToken.None);

        Assert.Equal(DataSource.Database, first.Provenance.Source);
        Assert.Equal("Updated cache with database data", first.Provenance.Message);
        Assert.Equal(DataSource.Cache, second.Provenance.Source);
        Assert.Equal("Loaded data from cache", second.Provenance.Message);
        string key = harness.Keys.Film(3);
        Assert.Equal(key, second.Provenance.Key);
        Assert.Equal(harness.Client.Locate(key).HostPort, second.Provenance.Node);
        Assert.Contains(second.Provenance.Node, fixture.Cluster.Nodes.Select(n => n.HostPort));
        Assert.True(second.Provenance.Elapsed > TimeSpan.Zero);
        Assert.Equal(1, repository.FilmReads);
        // The value really is on that node, under that key.
        Assert.NotNull(await harness.Client.GetAsync(key));
    }

    [Fact]
    public async Task A_missing_film_is_cached_as_absent()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository();
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);

        var first = await catalog.GetFilmAsync(404, CancellationToken.None);
        var second = await catalog.GetFilmAsync(404, CancellationToken.None);

        Assert.Null(first.Value);
        Assert.Null(second.Value);
        Assert.Equal(DataSource.Cache, second.Provenance.Source);
        Assert.Equal(1, repository.FilmReads);
    }

    [Fact]
    public async Task Values_expire_with_the_ttl_and_are_loaded_again()
    {
        await using var harness = new CacheHarness(_servers, ttl: TimeSpan.FromSeconds(1), keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(5));
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);

        Assert.Equal(DataSource.Database, (await catalog.GetFilmAsync(5, CancellationToken.None)).Provenance.Source);
        var clock = Stopwatch.StartNew();
        Assert.Equal(DataSource.Cache, (await catalog.GetFilmAsync(5, CancellationToken.None)).Provenance.Source);
        // memcached counts expiry in whole seconds: the item goes within about two; poll with a generous deadline.
        while ((await catalog.GetFilmAsync(5, CancellationToken.None)).Provenance.Source == DataSource.Cache)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the value did not expire within 15 s of a 1 s TTL");
            await Task.Delay(100);
        }
        Assert.Equal(2, repository.FilmReads);
    }

    [Fact]
    public async Task Changing_the_rate_deletes_the_key_only_after_the_commit()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(9, rate: 0.99m));
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);
        string key = harness.Keys.Film(9);
        await catalog.GetFilmAsync(9, CancellationToken.None);
        bool? cachedBeforeCommit = null;
        bool? cachedJustAfterCommit = null;
        repository.BeforeCommit = async () => cachedBeforeCommit = await harness.Client.GetAsync(key) is not null;
        repository.AfterCommit = async () => cachedJustAfterCommit = await harness.Client.GetAsync(key) is not null;

        var change = await catalog.ChangeRentalRateAsync(9, 3.49m, CancellationToken.None);

        Assert.True(cachedBeforeCommit);
        Assert.True(cachedJustAfterCommit); // the delete comes after the commit, not with it or before
        Assert.True(change.Found);
        Assert.True(change.Invalidation!.Succeeded);
        Assert.True(change.Invalidation.Existed);
        Assert.Equal(harness.Client.Locate(key).HostPort, change.Invalidation.Node);
        Assert.Null(await harness.Client.GetAsync(key));
        var next = await catalog.GetFilmAsync(9, CancellationToken.None);
        Assert.Equal(DataSource.Database, next.Provenance.Source);
        Assert.Equal(3.49m, next.Value!.RentalRate);
    }

    [Fact]
    public async Task A_failed_write_leaves_the_cached_value_alone()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(12));
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);
        await catalog.GetFilmAsync(12, CancellationToken.None);
        repository.WriteFailure = new InvalidOperationException("deadlock");

        await Assert.ThrowsAsync<InvalidOperationException>(() => catalog.ChangeRentalRateAsync(12, 1.99m, CancellationToken.None));

        Assert.NotNull(await harness.Client.GetAsync(harness.Keys.Film(12)));
        Assert.Equal(DataSource.Cache, (await catalog.GetFilmAsync(12, CancellationToken.None)).Provenance.Source);
    }

    [Fact]
    public async Task A_database_failure_propagates_and_releases_the_lease()
    {
        await using var harness = new CacheHarness(_servers, keyPrefix: UniquePrefix());
        int calls = 0;
        string key = harness.Keys.Film(77);
        Task<string> Load(CancellationToken _) =>
            Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("database timeout") : Task.FromResult("loaded");

        await Assert.ThrowsAsync<TimeoutException>(() => harness.Cache.GetOrLoadAsync("film", key, Load, CancellationToken.None));
        var clock = Stopwatch.StartNew();
        var retry = await harness.Cache.GetOrLoadAsync("film", key, Load, CancellationToken.None);

        Assert.Equal("loaded", retry.Value);
        Assert.Equal(DataSource.Database, retry.Provenance.Source);
        // Not held up by the failed caller's placeholder until the lease times out (30 s in the harness).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the retry took {clock.Elapsed}");
    }

    [Fact]
    public async Task With_every_node_down_reads_come_from_the_database_marked_degraded_and_writes_still_work()
    {
        string dead = string.Join(",", Enumerable.Range(0, 3).Select(_ => "127.0.0.1:" + Ports.Closed()));
        await using var harness = new CacheHarness(dead, keyPrefix: UniquePrefix());
        var repository = new InMemoryFilmRepository(InMemoryFilmRepository.Sample(21, rate: 0.99m));
        var catalog = new FilmCatalog(repository, harness.Cache, harness.Keys, harness.OptionsValue, NullLogger<FilmCatalog>.Instance);

        var clock = Stopwatch.StartNew();
        var first = await catalog.GetFilmAsync(21, CancellationToken.None);
        var second = await catalog.GetFilmAsync(21, CancellationToken.None);
        var change = await catalog.ChangeRentalRateAsync(21, 4.99m, CancellationToken.None);
        var third = await catalog.GetFilmAsync(21, CancellationToken.None);

        // Refused connections fail at once; waiting for the 5 s connect timeout even once per operation would take 20 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"a dead cache made four operations take {clock.Elapsed}");
        foreach (var result in new[] { first, second, third })
        {
            Assert.Equal("FILM 21", result.Value!.Title);
            Assert.Equal(DataSource.Database, result.Provenance.Source);
            Assert.True(result.Provenance.Degraded);
            Assert.False(string.IsNullOrEmpty(result.Provenance.CacheError));
            Assert.Equal("Loaded data from database (cache unavailable)", result.Provenance.Message);
        }
        Assert.Equal(3, repository.FilmReads);
        Assert.True(change.Found);
        Assert.False(change.Invalidation!.Succeeded);
        Assert.Equal(4.99m, third.Value!.RentalRate);
        Assert.Equal(3, harness.Metrics.DegradedLookups);
    }
}
