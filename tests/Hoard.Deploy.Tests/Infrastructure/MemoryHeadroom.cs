namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// The memory a hoard server needs beyond its item memory (<c>-m</c>), as measured in docs/benchmarks.md
/// ("Memory bound"): ~40 MiB of .NET runtime, ~15 MiB of connection buffers and small-item heap, and a cache of
/// freed large blocks of clamp(-m / 8, 16, 64) MiB. The chart's hoard.cacheMemoryMB helper reserves
/// 64 + clamp(limit / 8, 16, 64) MiB, which is at least this.
/// </summary>
public static class MemoryHeadroom
{
    public const long MiB = 1024 * 1024;

    /// <summary>What the process needs beyond <paramref name="cacheMiB"/> of items, by the measurements.</summary>
    public static long MeasuredOverheadMiB(long cacheMiB) => 40 + 15 + Math.Clamp(cacheMiB / 8, 16, 64);

    /// <summary>The -m the chart derives from a memory limit.</summary>
    public static long ChartCacheMiB(long limitMiB) => limitMiB - 64 - Math.Clamp(limitMiB / 8, 16, 64);
}
