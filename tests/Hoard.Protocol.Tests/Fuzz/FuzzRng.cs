namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its seed on every runtime and platform (unlike
/// <see cref="Random"/>, whose algorithm is an implementation detail), so a printed seed replays a failure.
/// </summary>
public struct FuzzRng
{
    private ulong _state;

    public FuzzRng(ulong seed) => _state = seed;

    /// <summary>The generator for input number <paramref name="index"/> of a run: inputs replay one at a time.</summary>
    public static FuzzRng ForInput(ulong seed, long index)
    {
        var mixer = new FuzzRng(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(index + 1)));
        return new FuzzRng(mixer.NextUInt64());
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>A number in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    /// <summary>True with probability 1/<paramref name="n"/>.</summary>
    public bool OneIn(int n) => Next(n) == 0;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public byte NextByte() => (byte)NextUInt64();
}
