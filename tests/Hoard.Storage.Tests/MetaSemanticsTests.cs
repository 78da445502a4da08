using static Hoard.Storage.Tests.EngineFixture;

namespace Hoard.Storage.Tests;

/// <summary>The stale/win state behind meta commands, which lets clients avoid stampedes.</summary>
public class MetaSemanticsTests
{
    [Fact]
    public void Vivify_on_miss_gives_the_first_reader_the_win_and_later_readers_z()
    {
        var (engine, _) = Create();
        var first = engine.GetItem("hot", new ReadOptions { VivifyOnMiss = true, VivifyExptime = 30 });
        Assert.NotNull(first);
        Assert.True(first.Win);
        Assert.Equal("", first.Value);
        var second = engine.GetItem("hot", new ReadOptions { VivifyOnMiss = true, VivifyExptime = 30 });
        Assert.False(second!.Win);
        Assert.True(second.WinTokenSent);
        engine.Set("hot", "fresh");
        var third = engine.GetItem("hot")!;
        Assert.False(third.WinTokenSent);
        Assert.Equal("fresh", third.Value);
    }

    [Fact]
    public void Recache_threshold_hands_out_one_win_before_expiry()
    {
        var (engine, clock) = Create();
        engine.Set("k", "v", exptime: 100);
        var options = new ReadOptions { HasRecacheThreshold = true, RecacheThresholdSeconds = 30 };
        Assert.False(engine.GetItem("k", options)!.Win);
        clock.Advance(TimeSpan.FromSeconds(80));
        Assert.True(engine.GetItem("k", options)!.Win);
        var later = engine.GetItem("k", options)!;
        Assert.False(later.Win);
        Assert.True(later.WinTokenSent);
    }

    [Fact]
    public void Invalidated_item_is_served_stale_with_one_win()
    {
        var (engine, _) = Create();
        engine.Set("k", "old");
        Assert.Equal(DeleteResult.Deleted, engine.Delete(B("k"), new DeleteRequest { Invalidate = true, HasExptime = true, Exptime = 30 }));
        var first = engine.GetItem("k")!;
        Assert.True(first.Stale);
        Assert.True(first.Win);
        Assert.Equal("old", first.Value);
        var second = engine.GetItem("k")!;
        Assert.True(second.Stale);
        Assert.False(second.Win);
        Assert.True(second.WinTokenSent);
    }

    [Fact]
    public void Store_with_older_cas_and_invalidate_marks_item_stale()
    {
        var (engine, _) = Create();
        engine.Set("k", "v1");
        ulong cas = engine.GetItem("k")!.Cas;
        engine.Set("k", "v2");
        var request = new StoreRequest { Mode = StoreMode.Set, HasCompareCas = true, CompareCas = cas, Invalidate = true };
        Assert.Equal(StoreResult.Stored, engine.Store(in request, B("k"), B("v3"), out _));
        Assert.True(engine.GetItem("k")!.Stale);
    }

    [Fact]
    public void Arithmetic_vivifies_with_initial_value()
    {
        var (engine, _) = Create();
        var request = new ArithmeticRequest { Delta = 1, VivifyOnMiss = true, InitialValue = 42, VivifyExptime = 0 };
        Assert.Equal(ArithmeticResult.Ok, engine.Arithmetic(B("c"), in request, out var reply));
        Assert.Equal(42ul, reply.Value);
        Assert.Equal(ArithmeticResult.Ok, engine.Arithmetic(B("c"), in request, out reply));
        Assert.Equal(43ul, reply.Value);
    }

    [Fact]
    public void Explicit_cas_is_used_for_the_new_item()
    {
        var (engine, _) = Create();
        var request = new StoreRequest { Mode = StoreMode.Set, HasNewCas = true, NewCas = 12345 };
        engine.Store(in request, B("k"), B("v"), out var info);
        Assert.Equal(12345ul, info.Cas);
        Assert.Equal(12345ul, engine.GetItem("k")!.Cas);
    }

    [Fact]
    public void Removing_values_from_a_full_cache_keeps_byte_accounting_exact()
    {
        long itemSize = CacheEngine.ItemSize(2, 100);
        var (engine, _) = Create(memory: itemSize * 3, evictions: false, shards: 1);
        for (int i = 0; i < 3; i++)
            engine.Set("k" + i, new string('x', 100));
        for (int i = 0; i < 3; i++)
            Assert.Equal(DeleteResult.Deleted, engine.Delete(B("k" + i), new DeleteRequest { RemoveValueOnly = true }));
        Assert.Equal(CacheEngine.ItemSize(2, 0) * 3, engine.BytesUsed);
        engine.FlushAll();
        Assert.Equal(0, engine.BytesUsed);
        Assert.Equal(StoreResult.Stored, engine.Set("k9", new string('x', 100)));
    }

    [Fact]
    public void Fetched_flag_reports_whether_the_item_was_read_before()
    {
        var (engine, _) = Create();
        engine.Set("k", "v");
        Assert.False(engine.GetItem("k")!.FetchedBefore);
        Assert.True(engine.GetItem("k")!.FetchedBefore);
    }
}
