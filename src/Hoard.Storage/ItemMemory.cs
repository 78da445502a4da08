using System.Numerics;
using System.Runtime.InteropServices;

namespace Hoard.Storage;

/// <summary>
/// Memory for items. Small items come from malloc. Large ones (64 KiB and up) are rounded up to one of 16
/// sizes per power of two and mapped on their own (malloc's mmap threshold is pinned at 64 KiB), so freeing
/// one gives its pages back to the system instead of leaving a hole in a malloc arena; a bounded cache of
/// freed blocks per size keeps the next item of about that size from paying for a fresh mapping and its page
/// faults. Without this, values of every size up to a megabyte stored and evicted in random order left glibc's
/// arenas holding about twice <c>-m</c>. The limit is charged with the rounded block size, so item memory
/// stays within <c>-m</c> and the process within <c>-m</c> plus the cache plus the runtime.
/// </summary>
internal sealed unsafe partial class ItemMemory : IDisposable
{
    /// <summary>Items from this size up are large.</summary>
    public const long LargeBlock = 64 * 1024;

    private const int ClassesPerDoubling = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Stack<IntPtr>> _free = [];
    private readonly long _cacheLimit;
    private long _cached;

    static ItemMemory() => PinMmapThreshold();

    /// <param name="cacheLimit">Most bytes of freed large blocks kept for reuse.</param>
    public ItemMemory(long cacheLimit) => _cacheLimit = cacheLimit;

    /// <summary>Bytes of freed large blocks held for reuse.</summary>
    public long Cached => Volatile.Read(ref _cached);

    /// <summary>What an item of <paramref name="size"/> bytes costs: itself when small, its rounded block when large.</summary>
    public static long BlockSize(long size)
    {
        if (size < LargeBlock)
            return size;
        // 8 sizes between consecutive powers of two: at most 1/8 more than asked.
        long step = (long)(BitOperations.RoundUpToPowerOf2((ulong)size + 1) / (2 * ClassesPerDoubling));
        return (size + step - 1) / step * step;
    }

    public void* Allocate(long size)
    {
        long block = BlockSize(size);
        if (block >= LargeBlock)
        {
            lock (_gate)
            {
                if (_free.TryGetValue(block, out var stack) && stack.TryPop(out var reused))
                {
                    _cached -= block;
                    return (void*)reused;
                }
            }
        }
        return NativeMemory.Alloc((nuint)block);
    }

    /// <summary>Frees memory from <see cref="Allocate"/>; <paramref name="size"/> is the item's size now.</summary>
    public void Free(void* memory, long size)
    {
        long block = BlockSize(size);
        if (block >= LargeBlock)
        {
            lock (_gate)
            {
                if (_cached + block <= _cacheLimit)
                {
                    if (!_free.TryGetValue(block, out var stack))
                        _free[block] = stack = new Stack<IntPtr>();
                    stack.Push((IntPtr)memory);
                    _cached += block;
                    return;
                }
            }
        }
        NativeMemory.Free(memory);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var stack in _free.Values)
            {
                while (stack.TryPop(out var block))
                    NativeMemory.Free((void*)block);
            }
            _free.Clear();
            _cached = 0;
        }
    }

    /// <summary>
    /// Fixes glibc's mmap threshold at <see cref="LargeBlock"/>. By default it rises to the largest block ever
    /// freed, after which megabyte items come from the arenas and fragment them. A no-op elsewhere (musl,
    /// other systems), where the block cache still applies.
    /// </summary>
    private static void PinMmapThreshold()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            const int MmapThreshold = -3; // M_MMAP_THRESHOLD
            _ = MallOpt(MmapThreshold, (int)LargeBlock);
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
