namespace Hoard.Storage.Tests;

public sealed unsafe class ItemMemoryTests
{
    [Theory]
    [InlineData(100L)]
    [InlineData(65_535L)]
    public void Small_items_cost_exactly_their_size(long size) => Assert.Equal(size, ItemMemory.BlockSize(size));

    [Fact]
    public void Large_items_round_up_by_at_most_an_eighth_to_a_few_sizes()
    {
        var sizes = new HashSet<long>();
        for (long size = ItemMemory.LargeBlock; size <= 1024 * 1024 + 1000; size += 997)
        {
            long block = ItemMemory.BlockSize(size);
            Assert.InRange(block, size, size + size / 8);
            Assert.Equal(block, ItemMemory.BlockSize(block)); // a block size is its own class
            sizes.Add(block);
        }
        Assert.InRange(sizes.Count, 30, 40); // 8 per doubling from 64 KiB to 1 MiB, and one past
    }

    [Fact]
    public void Freed_large_blocks_are_reused_up_to_the_cache_limit_and_no_further()
    {
        long block = ItemMemory.BlockSize(200_000);
        using var memory = new ItemMemory(cacheLimit: block * 2);
        var first = memory.Allocate(200_000);
        var second = memory.Allocate(199_000);
        var third = memory.Allocate(200_100);
        memory.Free(first, 200_000);
        memory.Free(second, 199_000);
        memory.Free(third, 200_100); // over the limit: really freed
        Assert.Equal(block * 2, memory.Cached);
        var reused = memory.Allocate(200_050);
        Assert.True(reused == first || reused == second);
        Assert.Equal(block, memory.Cached);
        new Span<byte>(reused, 200_050).Fill(1); // the whole block is usable
        memory.Free(reused, 200_050);
    }
}
