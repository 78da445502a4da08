using static Hoard.Storage.Tests.EngineFixture;

namespace Hoard.Storage.Tests;

public class CacheEngineTests
{
    [Fact]
    public void Set_then_get_returns_value_and_flags()
    {
        var (engine, _) = Create();
        Assert.Equal(StoreResult.Stored, engine.Set("k", "hello", flags: 42));
        var item = engine.GetItem("k");
        Assert.NotNull(item);
        Assert.Equal("hello", item.Value);
        Assert.Equal(42u, item.Flags);
        Assert.NotEqual(0ul, item.Cas);
    }

    [Fact]
    public void Add_only_stores_missing_keys_and_replace_only_existing()
    {
        var (engine, _) = Create();
        Assert.Equal(StoreResult.NotStored, engine.Set("k", "a", mode: StoreMode.Replace));
        Assert.Equal(StoreResult.Stored, engine.Set("k", "a", mode: StoreMode.Add));
        Assert.Equal(StoreResult.NotStored, engine.Set("k", "b", mode: StoreMode.Add));
        Assert.Equal(StoreResult.Stored, engine.Set("k", "c", mode: StoreMode.Replace));
        Assert.Equal("c", engine.Get("k"));
    }

    [Fact]
    public void Append_and_prepend_keep_flags_and_join_values()
    {
        var (engine, _) = Create();
        Assert.Equal(StoreResult.NotStored, engine.Set("k", "x", mode: StoreMode.Append));
        engine.Set("k", "mid", flags: 7);
        Assert.Equal(StoreResult.Stored, engine.Set("k", "-end", flags: 99, mode: StoreMode.Append));
        Assert.Equal(StoreResult.Stored, engine.Set("k", "start-", mode: StoreMode.Prepend));
        var item = engine.GetItem("k")!;
        Assert.Equal("start-mid-end", item.Value);
        Assert.Equal(7u, item.Flags);
    }

    [Fact]
    public void Cas_succeeds_with_current_token_and_fails_with_stale_one()
    {
        var (engine, _) = Create();
        Assert.Equal(StoreResult.NotFound, engine.Set("k", "v", mode: StoreMode.Cas, cas: 1));
        engine.Set("k", "v1");
        ulong cas = engine.GetItem("k")!.Cas;
        Assert.Equal(StoreResult.Stored, engine.Set("k", "v2", mode: StoreMode.Cas, cas: cas));
        Assert.Equal(StoreResult.Exists, engine.Set("k", "v3", mode: StoreMode.Cas, cas: cas));
        Assert.Equal("v2", engine.Get("k"));
        var stats = engine.GetStatistics();
        Assert.Equal(1, stats.CasHits);
        Assert.Equal(1, stats.CasBadValue);
        Assert.Equal(1, stats.CasMisses);
    }

    [Fact]
    public void Delete_removes_item_once()
    {
        var (engine, _) = Create();
        engine.Set("k", "v");
        Assert.Equal(DeleteResult.Deleted, engine.Delete(B("k"), default));
        Assert.Equal(DeleteResult.NotFound, engine.Delete(B("k"), default));
        Assert.Null(engine.Get("k"));
    }

    [Fact]
    public void Incr_wraps_at_2_pow_64_and_decr_stops_at_zero()
    {
        var (engine, _) = Create();
        engine.Set("n", ulong.MaxValue.ToString());
        Assert.Equal(ArithmeticResult.Ok, engine.Arithmetic(B("n"), new ArithmeticRequest { Delta = 2 }, out var reply));
        Assert.Equal(1ul, reply.Value);
        Assert.Equal(ArithmeticResult.Ok, engine.Arithmetic(B("n"), new ArithmeticRequest { Decrement = true, Delta = 5 }, out reply));
        Assert.Equal(0ul, reply.Value);
    }

    [Fact]
    public void Decr_that_shortens_the_number_pads_with_spaces_like_memcached()
    {
        var (engine, _) = Create();
        engine.Set("n", "10");
        engine.Arithmetic(B("n"), new ArithmeticRequest { Decrement = true, Delta = 1 }, out var reply);
        Assert.Equal(9ul, reply.Value);
        Assert.Equal("9 ", engine.Get("n"));
        engine.Arithmetic(B("n"), new ArithmeticRequest { Delta = 991 }, out reply);
        Assert.Equal("1000", engine.Get("n"));
    }

    [Fact]
    public void Arithmetic_on_non_numeric_value_is_refused()
    {
        var (engine, _) = Create();
        engine.Set("s", "abc");
        Assert.Equal(ArithmeticResult.NonNumeric, engine.Arithmetic(B("s"), new ArithmeticRequest { Delta = 1 }, out _));
        Assert.Equal(ArithmeticResult.NotFound, engine.Arithmetic(B("missing"), new ArithmeticRequest { Delta = 1 }, out _));
        Assert.Equal("abc", engine.Get("s"));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("0", true)]
    [InlineData("  12  ", true)]
    [InlineData("18446744073709551615", true)]
    [InlineData("18446744073709551616", false)]
    [InlineData("-1", false)]
    [InlineData("1a", false)]
    [InlineData("+12", true)]
    [InlineData("\t12", true)]
    [InlineData("12 abc", true)]
    public void Counter_values_parse_like_strtoull(string text, bool valid) =>
        Assert.Equal(valid, CacheEngine.TryParseCounter(B(text), out _));

    [Fact]
    public void Relative_ttl_expires_after_its_seconds()
    {
        var (engine, clock) = Create();
        engine.Set("k", "v", exptime: 10);
        Assert.Equal(10, engine.GetItem("k")!.Ttl);
        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal("v", engine.Get("k"));
        clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Null(engine.Get("k"));
        Assert.Equal(1, engine.GetStatistics().GetExpired);
    }

    [Fact]
    public void Negative_ttl_means_already_expired()
    {
        var (engine, _) = Create();
        Assert.Equal(StoreResult.Stored, engine.Set("k", "v", exptime: -1));
        Assert.Null(engine.Get("k"));
    }

    [Fact]
    public void Exptime_beyond_30_days_is_an_absolute_unix_time()
    {
        var (engine, clock) = Create();
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        engine.Set("future", "v", exptime: now + 100);
        engine.Set("past", "v", exptime: now - 100);
        Assert.Equal(100, engine.GetItem("future")!.Ttl);
        Assert.Null(engine.Get("past"));
        clock.Advance(TimeSpan.FromSeconds(101));
        Assert.Null(engine.Get("future"));
    }

    [Fact]
    public void Touch_and_gat_change_the_ttl()
    {
        var (engine, clock) = Create();
        engine.Set("k", "v", exptime: 5);
        Assert.True(engine.Touch(B("k"), 100));
        Assert.False(engine.Touch(B("missing"), 100));
        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal("v", engine.Get("k"));
        var item = engine.GetItem("k", new ReadOptions { Touch = true, TouchExptime = 0 });
        Assert.Equal(-1, item!.Ttl);
    }

    [Fact]
    public void Background_scan_reclaims_expired_items_without_access()
    {
        var (engine, clock) = Create();
        for (int i = 0; i < 100; i++)
            engine.Set("k" + i, "v", exptime: 1);
        engine.Set("keep", "v");
        clock.Advance(TimeSpan.FromSeconds(2));
        engine.ScanForExpired();
        var stats = engine.GetStatistics();
        Assert.Equal(1, stats.CurrentItems);
        Assert.Equal(100, stats.CrawlerReclaimed);
        Assert.Equal(stats.Bytes, CacheEngine.ItemSize(4, 1));
    }

    [Fact]
    public void Flush_all_removes_everything_now()
    {
        var (engine, _) = Create();
        engine.Set("a", "1");
        engine.Set("b", "2");
        engine.FlushAll();
        Assert.Null(engine.Get("a"));
        Assert.Equal(0, engine.GetStatistics().CurrentItems);
        Assert.Equal(0, engine.BytesUsed);
    }

    [Fact]
    public void Delayed_flush_all_spares_items_stored_after_its_time()
    {
        var (engine, clock) = Create();
        engine.Set("old", "1");
        engine.FlushAll(10);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("1", engine.Get("old"));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(engine.Get("old"));
        engine.Set("new", "2");
        Assert.Equal("2", engine.Get("new"));
    }

    [Fact]
    public void Lru_evicts_least_recently_used_within_the_memory_limit()
    {
        long itemSize = CacheEngine.ItemSize(5, 1000);
        var (engine, _) = Create(memory: itemSize * 10, shards: 1);
        for (int i = 0; i < 10; i++)
            engine.Set($"k{i:D4}", new string('x', 1000));
        Assert.NotNull(engine.Get("k0000"));   // now most recently used
        engine.Set("k0010", new string('x', 1000));
        Assert.NotNull(engine.Get("k0000"));
        Assert.Null(engine.Get("k0001"));
        var stats = engine.GetStatistics();
        Assert.Equal(1, stats.Evictions);
        Assert.True(stats.Bytes <= stats.LimitMaxBytes);
    }

    [Fact]
    public void Memory_limit_holds_across_many_shards()
    {
        var (engine, _) = Create(memory: 1024 * 1024, shards: 16);
        for (int i = 0; i < 20_000; i++)
            Assert.Equal(StoreResult.Stored, engine.Set("key" + i, new string('v', 200)));
        var stats = engine.GetStatistics();
        Assert.True(stats.Bytes <= 1024 * 1024, $"bytes {stats.Bytes}");
        Assert.True(stats.Evictions > 0);
        Assert.NotNull(engine.Get("key19999"));
    }

    [Fact]
    public void Without_evictions_a_full_cache_refuses_new_items()
    {
        long itemSize = CacheEngine.ItemSize(2, 100);
        var (engine, _) = Create(memory: itemSize * 3, evictions: false, shards: 1);
        for (int i = 0; i < 3; i++)
            Assert.Equal(StoreResult.Stored, engine.Set("k" + i, new string('x', 100)));
        Assert.Equal(StoreResult.OutOfMemory, engine.Set("k9", new string('x', 100)));
        Assert.Equal(0, engine.GetStatistics().Evictions);
    }

    [Fact]
    public void Item_larger_than_max_item_size_is_refused()
    {
        var (engine, _) = Create(maxItem: 2048);
        Assert.Equal(StoreResult.TooLarge, engine.Set("k", new string('x', 2048)));
        Assert.Equal(StoreResult.Stored, engine.Set("k", new string('x', 1900)));
    }

    [Fact]
    public void Replacing_an_item_keeps_byte_accounting_exact()
    {
        var (engine, _) = Create();
        engine.Set("k", new string('a', 100));
        engine.Set("k", new string('b', 10));
        engine.Set("k", "1", mode: StoreMode.Append);
        Assert.Equal(CacheEngine.ItemSize(1, 11), engine.BytesUsed);
        engine.Delete(B("k"), default);
        Assert.Equal(0, engine.BytesUsed);
    }

    [Fact]
    public void Shrinking_the_memory_limit_evicts_at_once()
    {
        var (engine, _) = Create(memory: 64L * 1024 * 1024);
        for (int i = 0; i < 1000; i++)
            engine.Set("k" + i, new string('x', 1000));
        engine.SetMemoryLimit(100 * 1024);
        Assert.True(engine.BytesUsed <= 100 * 1024);
    }

    [Fact]
    public void Invalid_keys_are_rejected_by_the_engine()
    {
        var (engine, _) = Create();
        Assert.Throws<ArgumentException>(() => engine.Set("", "v"));
        Assert.Throws<ArgumentException>(() => engine.Set(new string('k', 251), "v"));
    }

    [Fact]
    public void Concurrent_increments_lose_no_update()
    {
        var (engine, _) = Create();
        engine.Set("n", "0");
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 10_000; i++)
                engine.Arithmetic(B("n"), new ArithmeticRequest { Delta = 1 }, out _);
        });
        Assert.Equal("80000", engine.Get("n"));
    }

    [Fact]
    public void Concurrent_appends_lose_no_update()
    {
        var (engine, _) = Create();
        engine.Set("log", "");
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 500; i++)
                engine.Set("log", ((char)('a' + t)).ToString(), mode: StoreMode.Append);
        });
        var value = engine.Get("log")!;
        Assert.Equal(4000, value.Length);
        for (int t = 0; t < 8; t++)
            Assert.Equal(500, value.Count(c => c == (char)('a' + t)));
    }

    [Fact]
    public void Concurrent_cas_loops_lose_no_update()
    {
        var (engine, _) = Create();
        engine.Set("n", "0");
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 1000; i++)
            {
                while (true)
                {
                    var item = engine.GetItem("n")!;
                    var next = (long.Parse(item.Value) + 1).ToString();
                    if (engine.Set("n", next, mode: StoreMode.Cas, cas: item.Cas) == StoreResult.Stored)
                        break;
                }
            }
        });
        Assert.Equal("8000", engine.Get("n"));
    }

    [Fact]
    public void Size_classes_group_items_like_memcached_slabs()
    {
        var (engine, _) = Create();
        engine.Set("small", "v");
        engine.Set("large", new string('x', 5000));
        var classes = engine.GetStatistics().SizeClasses;
        Assert.Equal(2, classes.Count);
        Assert.Equal(96, classes[0].ChunkSize);
        Assert.True(classes[1].ChunkSize >= CacheEngine.ItemSize(5, 5000));
    }
}
