using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Hoard.Client.Hashing;

/// <summary>
/// libketama's use of MD5: a key's position on the ring is the first four digest bytes read little-endian,
/// and one digest of a server's name yields four ring points (bytes 0-3, 4-7, 8-11, 12-15).
/// </summary>
[SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms",
    Justification = "Not security: MD5 is what every ketama client hashes with, and compatibility is the point.")]
public static class KetamaMd5
{
    /// <summary>The key's ring position: the first 32 bits of MD5(key), little-endian.</summary>
    public static uint Hash(ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(key, digest);
        return BinaryPrimitives.ReadUInt32LittleEndian(digest);
    }

    /// <summary>Writes the four ring points that one digest of <paramref name="name"/> gives.</summary>
    public static void Points(ReadOnlySpan<byte> name, Span<uint> points)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(name, digest);
        for (var i = 0; i < 4; i++)
            points[i] = BinaryPrimitives.ReadUInt32LittleEndian(digest[(4 * i)..]);
    }
}
