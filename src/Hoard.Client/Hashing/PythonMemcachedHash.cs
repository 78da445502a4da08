using System.IO.Hashing;

namespace Hoard.Client.Hashing;

/// <summary>
/// python-memcached's <c>cmemcache_hash</c>: bits 16-30 of the key's CRC-32 (zlib's), and 1 when those are
/// all zero (its <c>or 1</c>).
/// </summary>
public static class PythonMemcachedHash
{
    public static uint Hash(ReadOnlySpan<byte> key)
    {
        var crc = Crc32.HashToUInt32(key);
        var hash = (crc >> 16) & 0x7fff;
        return hash == 0 ? 1 : hash;
    }
}
