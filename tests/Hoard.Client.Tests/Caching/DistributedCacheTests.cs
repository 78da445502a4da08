using System.Text;
using Hoard.Client.Tests.Connections;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Client.Tests.Caching;

/// <summary><c>AddHoardCache</c>, <see cref="IDistributedCache"/> semantics and HybridCache on top, against memcached.</summary>
public sealed class DistributedCacheTests : IAsyncLifetime
{
    private ITestServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(ServerKind.Memcached);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hoard:Servers:0"] = _server.Address,
            ["Hoard:Distribution"] = "Ketama",
            ["Hoard:OperationTimeout"] = "00:00:10",
        }).Build();
        var services = new ServiceCollection();
        services.AddHoardCache(configuration.GetSection("Hoard"));
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private IDistributedCache Cache => _services.GetRequiredService<IDistributedCache>();

    [Fact]
    public async Task Options_are_bound_from_configuration()
    {
        var client = _services.GetRequiredService<HoardClient>();
        Assert.Equal(_server.Address, Assert.Single(client.Servers).HostPort);
        Assert.Same(_services.GetRequiredService<IDistributedCache>(), _services.GetRequiredService<IBufferDistributedCache>());
    }

    [Fact]
    public async Task Set_get_refresh_remove()
    {
        await Cache.SetAsync("page", Encoding.UTF8.GetBytes("<html>"), new DistributedCacheEntryOptions());
        Assert.Equal("<html>", Encoding.UTF8.GetString((await Cache.GetAsync("page"))!));
        Assert.Equal("<html>", Encoding.UTF8.GetString(Cache.Get("page")!));
        await Cache.RefreshAsync("page");
        await Cache.RemoveAsync("page");
        Assert.Null(await Cache.GetAsync("page"));
        Assert.Null(Cache.Get("never"));
    }

    [Fact]
    public async Task Absolute_expiration_expires_and_a_past_one_is_refused()
    {
        await Cache.SetAsync("short", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        Assert.NotNull(await Cache.GetAsync("short"));
        await Task.Delay(2200);
        Assert.Null(await Cache.GetAsync("short"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Cache.SetAsync("past", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(-1) }));
    }

    [Fact]
    public async Task Sliding_expiration_is_extended_by_reads_but_never_past_the_absolute_one()
    {
        // memcached counts whole seconds, so a 3 s expiry lasts between 2 and 3 s: reads every second keep it.
        await Cache.SetAsync("slide", [7], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(3) });
        for (int i = 0; i < 4; i++)
        {
            await Task.Delay(1000);
            Assert.Equal([7], await Cache.GetAsync("slide")); // each read pushes the expiry 3 s out
        }
        await Task.Delay(4500);
        Assert.Null(await Cache.GetAsync("slide"));

        await Cache.SetAsync("capped", [8], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(3),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(5),
        });
        await Task.Delay(2000);
        Assert.Equal([8], await Cache.GetAsync("capped")); // slides 3 s out: to the absolute end
        await Task.Delay(2000);
        Assert.Equal([8], await Cache.GetAsync("capped")); // would slide past the end: only to the end
        await Task.Delay(2500);
        Assert.Null(await Cache.GetAsync("capped"));
    }

    [Fact]
    public async Task HybridCache_uses_hoard_as_its_second_level()
    {
        var hybrid = _services.GetRequiredService<HybridCache>();
        int loads = 0;
        var value = await hybrid.GetOrCreateAsync("film:1", _ =>
        {
            loads++;
            return ValueTask.FromResult("ACADEMY DINOSAUR");
        });
        Assert.Equal("ACADEMY DINOSAUR", value);
        Assert.Equal(1, loads);
        // The entry reached memcached: another process (a fresh client) sees it.
        // HybridCache writes its second level in the background; wait for the write to land.
        var client = _services.GetRequiredService<HoardClient>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (await client.GetAsync("film:1") is null)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "HybridCache never wrote film:1 to the distributed cache");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_application_starts_without_any_cache_server_and_failures_are_reported_not_hidden()
    {
        var services = new ServiceCollection();
        services.AddHoardCache(options =>
        {
            options.Servers.Add("127.0.0.1:1"); // nothing listens there
            options.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        });
        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        await Assert.ThrowsAnyAsync<HoardException>(() => cache.GetAsync("k"));
    }
}
