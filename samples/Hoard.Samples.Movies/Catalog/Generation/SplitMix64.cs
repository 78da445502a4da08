namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>
/// A small seeded random generator (SplitMix64) whose sequence is fixed by its definition, unlike
/// <see cref="Random"/>'s, so the generated catalogue is the same on every machine and every .NET version.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="count"/>).</summary>
    public int Below(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        // Multiply-shift instead of modulo: no bias worth mentioning at these sizes, and no division.
        return (int)((Next() >> 32) * (ulong)count >> 32);
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
}
