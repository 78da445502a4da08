using System.Text;

namespace Hoard.Client.Tests.Connections;

/// <summary>Every command of <see cref="HoardClient"/> against three real servers, once per server kind.</summary>
public abstract class ClientCommandTests : IAsyncLifetime
{
    private ITestServer[] _servers = [];
    private HoardClient _client = null!;

    protected abstract ServerKind Kind { get; }

    protected virtual WireProtocol Protocol => WireProtocol.Meta;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartManyAsync(Kind, 3);
        // Generous: these tests are about answers, not speed, and CI machines can be busy.
        var options = new HoardClientOptions { OperationTimeout = TimeSpan.FromSeconds(15), ConnectTimeout = TimeSpan.FromSeconds(5), Protocol = Protocol };
        foreach (var server in _servers)
            options.Servers.Add(server.Address);
        _client = new HoardClient(options);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var server in _servers)
            await server.DisposeAsync();
    }

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static string S(CacheItem? item) => Encoding.UTF8.GetString(Assert.NotNull(item).Value.Span);

    [Fact]
    public async Task Set_then_get_returns_value_and_flags()
    {
        Assert.True(await _client.SetAsync("greeting", B("hello"), flags: 42));
        var item = await _client.GetAsync("greeting");
        Assert.Equal("hello", S(item));
        Assert.Equal(42u, item!.Value.Flags);
        Assert.NotEqual(0ul, item.Value.Cas);
        Assert.Null(await _client.GetAsync("absent"));
        Assert.Equal("hello", await _client.GetStringAsync("greeting"));
    }

    [Fact]
    public async Task Get_into_a_buffer_writer_copies_the_value_once_and_nothing_on_a_miss()
    {
        await _client.SetAsync("into", B("payload"), flags: 9);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var lookup = await _client.GetAsync("into", writer);
        Assert.True(lookup.Found);
        Assert.Equal(9u, lookup.Flags);
        Assert.Equal("payload", Encoding.UTF8.GetString(writer.WrittenSpan));
        var missed = await _client.GetAsync("not-there", writer);
        Assert.False(missed.Found);
        Assert.Equal("payload".Length, writer.WrittenCount);
    }

    [Fact]
    public async Task TryGet_reports_hits_and_misses_as_a_status()
    {
        await _client.SetAsync("status", B("s"));
        Assert.Equal(CacheResultStatus.Hit, (await _client.TryGetAsync("status")).Status);
        var miss = await _client.TryGetAsync("status-missing");
        Assert.Equal(CacheResultStatus.Miss, miss.Status);
        Assert.Null(miss.Error);
    }

    [Fact]
    public async Task Add_replace_append_prepend_follow_memcached_rules()
    {
        Assert.False(await _client.ReplaceAsync("k", B("x")));
        Assert.False(await _client.AppendAsync("k", B("x")));
        Assert.True(await _client.AddAsync("k", B("b")));
        Assert.False(await _client.AddAsync("k", B("other")));
        Assert.True(await _client.AppendAsync("k", B("c")));
        Assert.True(await _client.PrependAsync("k", B("a")));
        Assert.Equal("abc", S(await _client.GetAsync("k")));
        Assert.True(await _client.ReplaceAsync("k", B("z")));
        Assert.Equal("z", S(await _client.GetAsync("k")));
    }

    [Fact]
    public async Task Cas_stores_only_over_the_version_it_read()
    {
        await _client.SetAsync("doc", B("v1"));
        var read = (await _client.GetAsync("doc"))!.Value;
        Assert.Equal(StoreResult.Stored, await _client.CasAsync("doc", B("v2"), read.Cas));
        Assert.Equal(StoreResult.Exists, await _client.CasAsync("doc", B("v3"), read.Cas));
        Assert.Equal("v2", S(await _client.GetAsync("doc")));
        Assert.True(await _client.DeleteAsync("doc"));
        Assert.False(await _client.DeleteAsync("doc"));
        Assert.Equal(StoreResult.NotFound, await _client.CasAsync("doc", B("v4"), read.Cas));
    }

    [Fact]
    public async Task Counters_count_and_stop_at_zero()
    {
        Assert.Null(await _client.IncrementAsync("hits"));
        Assert.Equal(10ul, await _client.IncrementAsync("hits", 5, initial: 10));
        Assert.Equal(15ul, await _client.IncrementAsync("hits", 5));
        Assert.Equal(0ul, await _client.DecrementAsync("hits", 100));
        await _client.SetAsync("text", B("abc"));
        await Assert.ThrowsAsync<HoardServerException>(async () => await _client.IncrementAsync("text"));
        // The connection is still in step after the error.
        Assert.Equal("abc", S(await _client.GetAsync("text")));
    }

    [Fact]
    public async Task Touch_and_get_and_touch_change_the_expiry()
    {
        Assert.False(await _client.TouchAsync("nothing", TimeSpan.FromSeconds(5)));
        await _client.SetAsync("session", B("s"), TimeSpan.FromSeconds(100));
        Assert.True(await _client.TouchAsync("session", TimeSpan.FromSeconds(1)));
        Assert.Equal("s", S(await _client.GetAndTouchAsync("session", TimeSpan.FromSeconds(1))));
        await Task.Delay(2100);
        Assert.Null(await _client.GetAsync("session"));
    }

    [Fact]
    public async Task Get_many_spans_every_server_and_skips_misses()
    {
        var keys = Enumerable.Range(0, 300).Select(i => "multi:" + i).ToArray();
        for (int i = 0; i < keys.Length; i += 2)
            await _client.SetAsync(keys[i], B("v" + i), flags: (uint)i);
        var found = await _client.GetManyAsync(keys.Append("never-set"));
        Assert.Equal(150, found.Count);
        for (int i = 0; i < keys.Length; i += 2)
        {
            Assert.Equal("v" + i, S(found[keys[i]]));
            Assert.Equal((uint)i, found[keys[i]].Flags);
        }
        // The keys really are spread over the three servers.
        Assert.Equal(3, keys.Select(k => _client.Locate(k)).Distinct().Count());
    }

    [Fact]
    public async Task Keys_with_spaces_and_unicode_round_trip()
    {
        if (Protocol == WireProtocol.Text)
        {
            // The text protocol has no way to carry such keys: refused before anything is sent.
            await Assert.ThrowsAsync<ArgumentException>(async () => await _client.SetAsync("with space", B("x")));
            Assert.True(await _client.SetAsync("ключ", B("ключ")));
            Assert.Equal("ключ", S(await _client.GetAsync("ключ")));
            return;
        }
        foreach (var key in new[] { "with space", "tab\tkey", "ключ", "emoji 🎉" })
        {
            Assert.True(await _client.SetAsync(key, B(key)));
            Assert.Equal(key, S(await _client.GetAsync(key)));
        }
        var many = await _client.GetManyAsync(["with space", "ключ"]);
        Assert.Equal(new[] { "with space", "ключ" }.Order(StringComparer.Ordinal), many.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Large_values_round_trip()
    {
        var value = new byte[900 * 1024];
        new Random(3).NextBytes(value);
        Assert.True(await _client.SetAsync("large", value));
        Assert.Equal(value, Assert.NotNull(await _client.GetAsync("large")).Value.ToArray());
    }

    [Fact]
    public async Task Invalid_keys_are_refused_before_anything_is_sent()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await _client.GetAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _client.SetAsync(new string('k', 251), B("v")));
    }

    [Fact]
    public async Task Thousands_of_concurrent_callers_are_pipelined_and_each_gets_its_own_answer()
    {
        var tasks = Enumerable.Range(0, 5000).Select(async i =>
        {
            string key = "p" + i;
            Assert.True(await _client.SetAsync(key, B("value-" + i)));
            Assert.Equal("value-" + i, S(await _client.GetAsync(key)));
        });
        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Cancelled_requests_do_not_desynchronise_the_connection()
    {
        await _client.SetAsync("steady", B("same"));
        using var cancel = new CancellationTokenSource();
        var doomed = Enumerable.Range(0, 200).Select(i => _client.GetAsync("steady", cancel.Token).AsTask()).ToList();
        cancel.Cancel();
        foreach (var task in doomed)
        {
            try
            {
                Assert.Equal("same", S(await task));
            }
            catch (OperationCanceledException)
            {
            }
        }
        for (int i = 0; i < 50; i++)
        {
            await _client.SetAsync("after" + i, B("a" + i));
            Assert.Equal("a" + i, S(await _client.GetAsync("after" + i)));
        }
    }

    [Fact]
    public async Task Stats_version_and_flush_reach_every_server()
    {
        var versions = await _client.VersionAsync();
        Assert.Equal(3, versions.Count);
        Assert.All(versions.Values, v => Assert.StartsWith("1.6", v, StringComparison.Ordinal));
        await _client.SetAsync("f", B("1"));
        var stats = await _client.StatsAsync();
        Assert.Equal(3, stats.Count);
        Assert.Equal(1, stats.Values.Sum(s => long.Parse(s["curr_items"], System.Globalization.CultureInfo.InvariantCulture)));
        await _client.FlushAllAsync();
        Assert.Null(await _client.GetAsync("f"));
        var settings = await _client.StatsAsync("settings");
        Assert.All(settings.Values, s => Assert.True(s.ContainsKey("maxbytes")));
    }
    [Fact]
    public async Task A_server_that_is_down_is_reported_as_such_and_the_others_still_answer()
    {
        var options = new HoardClientOptions { OperationTimeout = TimeSpan.FromSeconds(5) };
        options.Servers.Add(_servers[0].Address);
        options.Servers.Add("127.0.0.1:1"); // nothing listens there: the connection is refused
        await using var client = new HoardClient(options);

        var stats = await client.StatsOfEachServerAsync();
        Assert.Equal(2, stats.Count);
        var up = Assert.Single(stats, a => a.Answered);
        Assert.Equal(_servers[0].Address, up.Server.HostPort);
        Assert.True(up.Value!.ContainsKey("curr_items"));
        var down = Assert.Single(stats, a => !a.Answered);
        Assert.Equal("127.0.0.1:1", down.Server.HostPort);
        Assert.Null(down.Value);
        Assert.Contains("127.0.0.1:1", down.Error!.Message, StringComparison.Ordinal);

        var versions = await client.VersionOfEachServerAsync();
        Assert.StartsWith("1.6", Assert.Single(versions, a => a.Answered).Value, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(versions, a => !a.Answered).Error);

        // The all-or-nothing forms still fail as a whole.
        await Assert.ThrowsAnyAsync<HoardException>(async () => await client.StatsAsync());
    }
}

public sealed class HoardClientCommandTests : ClientCommandTests
{
    protected override ServerKind Kind => ServerKind.Hoard;
}

public sealed class MemcachedClientCommandTests : ClientCommandTests
{
    protected override ServerKind Kind => ServerKind.Memcached;
}

public sealed class HoardTextProtocolClientCommandTests : ClientCommandTests
{
    protected override ServerKind Kind => ServerKind.Hoard;

    protected override WireProtocol Protocol => WireProtocol.Text;
}

public sealed class MemcachedTextProtocolClientCommandTests : ClientCommandTests
{
    protected override ServerKind Kind => ServerKind.Memcached;

    protected override WireProtocol Protocol => WireProtocol.Text;
}
