using System.Diagnostics.Metrics;
using Hoard.Client;
using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Configuration;
using Hoard.Samples.Movies.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// The app's look-aside cache over real cache nodes, built as the app builds it (its client defaults, a
/// real HoardClient), without the web host. One harness stands for one application process.
/// </summary>
public sealed class CacheHarness : IAsyncDisposable
{
    private readonly ServiceProvider _metricsProvider;

    public CacheHarness(string servers, TimeSpan? ttl = null, string keyPrefix = "test", TimeSpan? leaseTimeout = null)
    {
        var clientOptions = new HoardClientOptions();
        CacheClientDefaults.Apply(clientOptions);
        // Longer than the app's 500 ms, for a loaded test machine (see MoviesApp.Arguments); dead nodes refuse at once.
        clientOptions.OperationTimeout = TimeSpan.FromSeconds(5);
        clientOptions.ConnectTimeout = TimeSpan.FromSeconds(5);
        foreach (var server in servers.Split(','))
            clientOptions.Servers.Add(server);
        Client = new HoardClient(clientOptions);
        Options = new MoviesOptions { CacheTtl = ttl ?? TimeSpan.FromMinutes(5), KeyPrefix = keyPrefix, LeaseTimeout = leaseTimeout ?? TimeSpan.FromSeconds(30) };
        _metricsProvider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Metrics = new MoviesMetrics(_metricsProvider.GetRequiredService<IMeterFactory>());
        Cache = new LookAsideCache(Client, Microsoft.Extensions.Options.Options.Create(Options), Metrics, NullLogger<LookAsideCache>.Instance);
        Keys = new CacheKeys(keyPrefix);
    }

    public HoardClient Client { get; }

    public MoviesOptions Options { get; }

    public MoviesMetrics Metrics { get; }

    public LookAsideCache Cache { get; }

    public CacheKeys Keys { get; }

    public IOptions<MoviesOptions> OptionsValue => Microsoft.Extensions.Options.Options.Create(Options);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _metricsProvider.DisposeAsync();
    }
}
