using System.Runtime.InteropServices;

namespace Hoard.Storage;

[Flags]
internal enum ItemState : byte
{
    None = 0,
    /// <summary>Read at least once since it was stored.</summary>
    Fetched = 1,
    /// <summary>Invalidated by meta <c>I</c>; readers see it as stale.</summary>
    Stale = 2,
    /// <summary>A reader has been handed the recache win; later readers are told so.</summary>
    WinTokenSent = 4,
}

/// <summary>
/// Header of an item in native memory, followed by the key bytes and then the value bytes. Items live
/// outside the GC heap so that millions of them cost the collector nothing; every access happens under
/// the owning shard's lock.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ItemHeader
{
    public ItemHeader* HashNext;
    public ItemHeader* LruPrev;
    public ItemHeader* LruNext;
    public ulong Cas;
    /// <summary>Engine milliseconds at which the item dies; 0 never, negative already dead.</summary>
    public long ExpiresAt;
    /// <summary>Engine milliseconds of the last read or write.</summary>
    public long LastAccess;
    public uint Hash;
    public uint ClientFlags;
    public int ValueLength;
    public byte KeyLength;
    public ItemState State;
    /// <summary>Index into the engine's <see cref="SizeClassTable"/>, for memcached-shaped statistics.</summary>
    public ushort SizeClass;

    public static byte* KeyOf(ItemHeader* item) => (byte*)(item + 1);

    public static byte* ValueOf(ItemHeader* item) => (byte*)(item + 1) + item->KeyLength;

    public static ReadOnlySpan<byte> KeySpan(ItemHeader* item) => new(KeyOf(item), item->KeyLength);

    public static Span<byte> ValueSpan(ItemHeader* item) => new(ValueOf(item), item->ValueLength);

    /// <summary>Bytes an item occupies, as counted against the memory limit.</summary>
    public static long TotalSize(int keyLength, int valueLength) => sizeof(ItemHeader) + keyLength + valueLength;

    public static long TotalSize(ItemHeader* item) => TotalSize(item->KeyLength, item->ValueLength);
}
