namespace Hoard.Server.Meta;

/// <summary>
/// The size and slab class memcached 1.6 (64-bit, default <c>-n 48 -f 1.25</c>, 1 MB items) would give
/// an item, for <c>me</c>'s <c>size=</c> and <c>cls=</c>: Hoard's own item layout differs, and tools compare these
/// numbers against memcached's.
/// </summary>
internal static class MemcachedItemSize
{
    // sizeof(item); the 8-byte CAS field follows unless -C.
    private const int HeaderSize = 48;
    private const int SlabChunkMax = 512 * 1024;

    private static readonly int[] ChunkSizes = BuildChunkSizes();

    /// <summary>memcached's <c>ITEM_ntotal</c>: header, key and its NUL, client flags when not 0, value and CRLF.</summary>
    public static long Of(int keyLength, int valueLength, uint clientFlags, bool casEnabled) =>
        HeaderSize + (casEnabled ? 8 : 0) + keyLength + 1 + (clientFlags != 0 ? 4 : 0) + (long)valueLength + 2;

    /// <summary>The 1-based slab class holding <paramref name="size"/> (the largest one for chunked items).</summary>
    public static int SlabClass(long size)
    {
        for (int i = 0; i < ChunkSizes.Length; i++)
        {
            if (size <= ChunkSizes[i])
                return i + 1;
        }
        return ChunkSizes.Length;
    }

    // slabs_init(): start at sizeof(item) + chunk_size, grow by the factor with 8-byte alignment, and end with a
    // class of slab_chunk_max.
    private static int[] BuildChunkSizes()
    {
        var sizes = new List<int>();
        uint size = 48 + 48;
        while (size <= SlabChunkMax / 1.25)
        {
            if (size % 8 != 0)
                size += 8 - (size % 8);
            sizes.Add((int)size);
            size = (uint)(size * 1.25);
        }
        sizes.Add(SlabChunkMax);
        return [.. sizes];
    }
}
