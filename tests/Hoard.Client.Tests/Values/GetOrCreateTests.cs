using Hoard.Client.Tests.Connections;

namespace Hoard.Client.Tests.Values;

/// <summary>Stampede protection with meta-protocol leases, against both servers.</summary>
public abstract class GetOrCreateTests : IAsyncLifetime
{
    private ITestServer _server = null!;
    private HoardClient _first = null!;
    private HoardClient _second = null!;

    protected abstract ServerKind Kind { get; }

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(Kind);
        _first = NewClient();
        _second = NewClient();
    }

    private HoardClient NewClient()
    {
        var options = new HoardClientOptions { OperationTimeout = TimeSpan.FromSeconds(10) };
        options.Servers.Add(_server.Address);
        return new HoardClient(options);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_thousand_callers_on_two_clients_missing_the_same_key_run_the_factory_once()
    {
        int calls = 0;
        async ValueTask<string> Load(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(300, token);
            return "from the database";
        }

        var callers = Enumerable.Range(0, 1000).Select(i =>
            (i % 2 == 0 ? _first : _second).GetOrCreateAsync("hot", Load, TimeSpan.FromMinutes(5)).AsTask());
        var values = await Task.WhenAll(callers);
        Assert.All(values, v => Assert.Equal("from the database", v));
        Assert.Equal(1, calls);
        Assert.Equal("from the database", await _first.GetValueAsync<string>("hot"));
    }

    [Fact]
    public async Task After_invalidation_one_caller_refreshes_while_the_others_get_the_stale_value_at_once()
    {
        await _first.GetOrCreateAsync("rate", _ => ValueTask.FromResult("0.99"), TimeSpan.FromMinutes(5));
        Assert.True(await _first.InvalidateAsync("rate", TimeSpan.FromSeconds(30)));

        int calls = 0;
        var gate = new TaskCompletionSource();
        async ValueTask<string> Reload(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await gate.Task.WaitAsync(token);
            return "1.99";
        }

        var winner = _first.GetOrCreateAsync("rate", Reload, TimeSpan.FromMinutes(5)).AsTask();
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        // While the winner reloads, everyone else is answered with the stale value without waiting.
        for (int i = 0; i < 20; i++)
            Assert.Equal("0.99", await _second.GetOrCreateAsync("rate", Reload, TimeSpan.FromMinutes(5)));
        gate.SetResult();
        Assert.Equal("1.99", await winner);
        Assert.Equal(1, calls);
        Assert.Equal("1.99", await _second.GetOrCreateAsync("rate", Reload, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_failing_factory_gives_the_lease_back_so_the_next_caller_tries_at_once()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _first.GetOrCreateAsync<string>("flaky", _ => throw new InvalidOperationException("database down"), TimeSpan.FromMinutes(1)));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("recovered", await _second.GetOrCreateAsync("flaky", _ => ValueTask.FromResult("recovered"), TimeSpan.FromMinutes(1)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "the second caller waited for the lock to time out");
    }

    [Fact]
    public async Task A_factory_returning_null_gives_the_lease_back_so_the_next_caller_tries_at_once()
    {
        Assert.Null(await _first.GetOrCreateAsync<string?>("absent", _ => ValueTask.FromResult<string?>(null), TimeSpan.FromMinutes(1)));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("found later", await _second.GetOrCreateAsync("absent", _ => ValueTask.FromResult("found later"), TimeSpan.FromMinutes(1)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "the second caller waited for the lock to time out");
    }

    [Fact]
    public async Task A_delete_while_the_winner_computes_is_not_overwritten_by_the_old_data()
    {
        var gate = new TaskCompletionSource();
        var winner = _first.GetOrCreateAsync("row", async token =>
        {
            await gate.Task.WaitAsync(token);
            return "read before the write";
        }, TimeSpan.FromMinutes(5)).AsTask();
        await Task.Delay(100);
        Assert.True(await _second.DeleteAsync("row")); // the database write's invalidation
        gate.SetResult();
        Assert.Equal("read before the write", await winner);
        Assert.Null(await _second.GetAsync("row"));
    }

    [Fact]
    public async Task Each_call_counts_one_hit_or_miss_and_a_value_that_lost_its_lease_is_counted()
    {
        using var metrics = MetricsOfThisFlow.Listen();
        Assert.Equal("v", await _first.GetOrCreateAsync("counted", _ => ValueTask.FromResult("v"), TimeSpan.FromMinutes(5)));
        Assert.Equal("v", await _first.GetOrCreateAsync("counted", _ => ValueTask.FromResult("other"), TimeSpan.FromMinutes(5)));
        Assert.Equal("v", await _second.GetOrCreateAsync("counted", _ => ValueTask.FromResult("other"), TimeSpan.FromMinutes(5)));
        Assert.Equal(1, metrics.Total("hoard.client.misses"));
        Assert.Equal(2, metrics.Total("hoard.client.hits"));
        Assert.Equal(0, metrics.Total("hoard.client.getorcreate.not_stored"));

        var gate = new TaskCompletionSource();
        var winner = _first.GetOrCreateAsync("lost", async token =>
        {
            await gate.Task.WaitAsync(token);
            return "computed";
        }, TimeSpan.FromMinutes(5)).AsTask();
        await Task.Delay(100);
        Assert.True(await _second.DeleteAsync("lost"));
        gate.SetResult();
        Assert.Equal("computed", await winner);
        Assert.Equal(1, metrics.Total("hoard.client.getorcreate.not_stored"));
        Assert.Equal(2, metrics.Total("hoard.client.misses"));
    }

    /// <summary>
    /// Hoard.Client's counters as recorded by this test's own calls: the meter is process-wide and other tests run
    /// alongside, so only measurements made in this async flow (an AsyncLocal it set) are counted.
    /// </summary>
    private sealed class MetricsOfThisFlow : IDisposable
    {
        private static readonly AsyncLocal<MetricsOfThisFlow?> Current = new();
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _totals = new();

        public static MetricsOfThisFlow Listen()
        {
            var metrics = new MetricsOfThisFlow();
            Current.Value = metrics;
            metrics._listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Hoard.Client")
                    listener.EnableMeasurementEvents(instrument);
            };
            // Every listener hears every measurement: each keeps only its own flow's.
            metrics._listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (ReferenceEquals(Current.Value, metrics))
                    metrics._totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            });
            metrics._listener.Start();
            return metrics;
        }

        public long Total(string name) => _totals.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "condition not reached");
            await Task.Delay(10);
        }
    }
}

public sealed class HoardGetOrCreateTests : GetOrCreateTests
{
    protected override ServerKind Kind => ServerKind.Hoard;
}

public sealed class MemcachedGetOrCreateTests : GetOrCreateTests
{
    protected override ServerKind Kind => ServerKind.Memcached;
}
