using System.Text;
using Hoard.Protocol.Tests.Fuzz;
using Hoard.Storage;
using Xunit.Abstractions;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// The engine's own accounting under concurrent load: four threads store (set, add, append) and delete values of
/// random sizes up to <c>-I</c> over a key space far larger than <c>-m</c>. Item bytes never exceed the limit,
/// and when the threads stop, the bytes the engine reports are exactly the sizes of the items it still holds.
/// </summary>
public sealed class MemoryAccountingTests(ITestOutputHelper output)
{
    private const long Limit = 16L * 1024 * 1024;
    private const int MaxItem = 1024 * 1024;
    private const int Threads = 4;
    private const int Keys = 2000;

    [Fact]
    public async Task Item_bytes_stay_within_the_memory_limit_while_four_threads_store_values_up_to_the_item_limit()
    {
        using var engine = new CacheEngine(new CacheOptions { MemoryLimitBytes = Limit, MaxItemSize = MaxItem });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        long operations = 0, stored = 0, maxSeen = 0;
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            var rng = new FuzzRng(FuzzSettings.Seed + (ulong)t);
            var value = new byte[MaxItem];
            rng.NextUInt64();
            while (!stop.IsCancellationRequested)
            {
                var key = Encoding.ASCII.GetBytes("mem-" + rng.Next(Keys));
                // Sizes over the whole range up to -I, the largest refused as too large once the header is added.
                int length = rng.Next(4) == 0 ? rng.Next(MaxItem - 512, MaxItem + 1) : rng.Next(1, MaxItem);
                var mode = rng.Next(10) switch { 0 => StoreMode.Append, 1 => StoreMode.Add, _ => StoreMode.Set };
                if (rng.Next(10) == 0)
                {
                    engine.Delete(key, default);
                }
                else
                {
                    var request = new StoreRequest { Mode = mode };
                    if (engine.Store(in request, key, value.AsSpan(0, mode == StoreMode.Append ? length / 8 : length), out _) == StoreResult.Stored)
                        Interlocked.Increment(ref stored);
                }
                Interlocked.Increment(ref operations);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        // The counter may run ahead of stored items by reservations in flight (one per thread, each at most -I):
        // a store adds its size first and takes it back if that crosses the limit.
        while (!workers.All(w => w.IsCompleted))
        {
            long used = engine.BytesUsed;
            maxSeen = Math.Max(maxSeen, used);
            Assert.True(used <= Limit + (Threads * (long)MaxItem), $"{used:N0} bytes accounted with a limit of {Limit:N0}");
            await Task.Yield();
        }
        await Task.WhenAll(workers);

        long held = 0;
        int items = 0;
        for (int i = 0; i < Keys; i++)
        {
            var reader = new SizeReader();
            var key = Encoding.ASCII.GetBytes("mem-" + i);
            if (engine.Read(key, new ReadOptions { NoLruBump = true }, ref reader) != ReadResult.Miss)
            {
                held += CacheEngine.ItemSize(key.Length, reader.Length);
                items++;
            }
        }
        var stats = engine.GetStatistics();
        output.WriteLine($"{operations:N0} operations, {stored:N0} stored, {stats.Evictions:N0} evictions; {items} items of {held:N0} bytes held, counter peaked at {maxSeen:N0} of {Limit:N0}");
        Assert.True(stats.Evictions > 0, "the load never filled the cache");
        Assert.True(stored > 100, $"only {stored} stores succeeded");
        Assert.Equal(held, engine.BytesUsed);
        Assert.Equal(held, stats.Bytes);
        Assert.InRange(held, 0, Limit);
        Assert.Equal(items, stats.CurrentItems);
    }

    private struct SizeReader : IItemReader
    {
        public int Length;

        public void Read(scoped in ItemView item) => Length = item.Value.Length;
    }
}
