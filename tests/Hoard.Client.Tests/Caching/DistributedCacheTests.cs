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
            ["Hoard:ConnectTimeout"] = "00:00:10",
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
        // The server's remaining TTL (meta "t") shows each effect without racing the clock.
        await Cache.SetAsync("slide", [7], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(100) });
        // memcached's clock ticks once a second and can lag a few seconds on a loaded machine, so the margins
        // are seconds wide: 6 s of waiting is far more than the lag.
        await Task.Delay(6100);
        long before = RemainingTtl("slide");
        Assert.InRange(before, 85, 95);                     // time passed: the TTL ran down
        Assert.Equal([7], await Cache.GetAsync("slide"));
        Assert.InRange(RemainingTtl("slide"), Math.Max(before + 2, 96), 100); // a read pushes it out to 100 s again

        await Cache.SetAsync("capped", [8], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(100),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(40),
        });
        Assert.InRange(RemainingTtl("capped"), 35, 40);     // the earlier of the two
        Assert.Equal([8], await Cache.GetAsync("capped"));
        Assert.InRange(RemainingTtl("capped"), 35, 41);     // a read never slides past the absolute end

        // And it really expires when nobody reads it.
        await Cache.SetAsync("idle", [9], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(1) });
        await Task.Delay(3000);
        Assert.Null(await Cache.GetAsync("idle"));
    }

    /// <summary>Seconds the server says the item has left to live (a raw meta request, not through the cache).</summary>
    private long RemainingTtl(string key)
    {
        var parts = _server.Address.Split(':');
        using var client = new System.Net.Sockets.TcpClient(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        stream.Write(Encoding.ASCII.GetBytes($"mg {key} t\r\n"));
        var reply = new StreamReader(stream, Encoding.ASCII).ReadLine() ?? "";
        var token = reply.Split(' ').First(t => t.StartsWith('t'));
        return long.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
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
