namespace Hoard.Client.Hashing;

/// <summary>
/// Bob Jenkins' one-at-a-time hash as libmemcached's libhashkit computes it: its default key hash, and the
/// point hash of its unweighted ketama. libhashkit reads the key through a (signed) <c>char</c>, so a byte of
/// 0x80 or more is added sign-extended (0xFFFFFF80 and up); matching that matters for non-ASCII keys.
/// </summary>
public static class OneAtATime
{
    public static uint Hash(ReadOnlySpan<byte> data)
    {
        uint value = 0;
        foreach (var b in data)
        {
            value += (uint)(sbyte)b;
            value += value << 10;
            value ^= value >> 6;
        }
        value += value << 3;
        value ^= value >> 11;
        value += value << 15;
        return value;
    }
}
