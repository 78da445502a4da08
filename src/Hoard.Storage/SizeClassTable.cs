namespace Hoard.Storage;

/// <summary>
/// memcached's slab class sizes (96 bytes growing by 1.25, 8-byte aligned, up to half the item size limit).
/// Hoard allocates each item exactly, but groups items by these classes so <c>stats items</c> and
/// <c>stats slabs</c> read the way memcached's tools expect.
/// </summary>
internal sealed class SizeClassTable
{
    private const int SmallestChunk = 96;
    private const double GrowthFactor = 1.25;

    private readonly int[] _chunkSizes;

    public SizeClassTable(int maxItemSize)
    {
        var sizes = new List<int>();
        int largest = Math.Max(maxItemSize / 2, SmallestChunk);
        for (double size = SmallestChunk; size < largest; size = Math.Ceiling(size * GrowthFactor / 8) * 8)
            sizes.Add((int)size);
        sizes.Add(largest);
        _chunkSizes = [.. sizes];
    }

    public int Count => _chunkSizes.Length;

    public int ChunkSize(int index) => _chunkSizes[index];

    /// <summary>The smallest class whose chunk holds <paramref name="itemSize"/> bytes (the last class for larger items).</summary>
    public int ClassOf(long itemSize)
    {
        int index = Array.BinarySearch(_chunkSizes, (int)Math.Min(itemSize, int.MaxValue));
        if (index < 0)
            index = ~index;
        return Math.Min(index, _chunkSizes.Length - 1);
    }
}
