using System.IO.Hashing;

namespace Hoard.Router.Routes;

/// <summary>How a key picks one of N children or servers.</summary>
public enum KeyHashFunction : byte
{
    /// <summary>libketama consistent hashing over the servers' names (what Hoard.Client and libmemcached do).</summary>
    Ketama,

    /// <summary>Jump consistent hash (Lamping and Veach) of a 64-bit xxHash3 of the key: mcrouter's Ch3 idea — adding a server moves 1/N of keys.</summary>
    Ch3,

    /// <summary>CRC-32 of the key modulo N (mcrouter's <c>Crc32</c>): every key moves when N changes.</summary>
    Crc32,

    /// <summary>python-memcached's modula hash.</summary>
    Modula,

    /// <summary>pymemcache's rendezvous hashing.</summary>
    Rendezvous,
}

public static class KeyHashing
{
    /// <summary>Jump consistent hash: a bucket in [0, <paramref name="buckets"/>) for <paramref name="key"/>.</summary>
    public static int Jump(ulong key, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = (key * 2862933555777941757UL) + 1;
            j = (long)((b + 1) * (double)(1L << 31) / ((key >> 33) + 1));
        }
        return (int)b;
    }

    /// <summary>An index for <paramref name="key"/> among <paramref name="count"/> children by a hash that needs no server names.</summary>
    public static int Index(KeyHashFunction function, ReadOnlySpan<byte> key, int count) => function switch
    {
        KeyHashFunction.Crc32 => (int)(System.IO.Hashing.Crc32.HashToUInt32(key) % (uint)count),
        _ => Jump(XxHash3.HashToUInt64(key), count),
    };

    /// <summary>Where <paramref name="key"/> falls in [0, 1), for shadowing a fraction of keys.</summary>
    public static double Fraction(ReadOnlySpan<byte> key) => XxHash32.HashToUInt32(key) / (double)(1UL << 32);
}
