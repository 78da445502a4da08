using System.Buffers.Binary;
using System.Numerics;

namespace Hoard.Client.Hashing;

/// <summary>
/// MurmurHash3 x86_32 (Austin Appleby's public-domain design), fed in pieces: rendezvous hashing scores
/// <c>"node-key"</c>, so each node's prefix is hashed once when the locator is built and every lookup
/// continues a copy of that state with the key, without building the joined string.
/// </summary>
public struct Murmur3
{
    private const uint C1 = 0xcc9e2d51;
    private const uint C2 = 0x1b873593;

    private uint _hash;
    private uint _pending;     // bytes of an unfinished 4-byte block, little-endian
    private int _pendingCount;
    private uint _length;      // murmur3 mixes in the length modulo 2^32

    public Murmur3(uint seed)
    {
        _hash = seed;
    }

    /// <summary>The hash of <paramref name="data"/> in one call.</summary>
    public static uint Hash(ReadOnlySpan<byte> data, uint seed = 0)
    {
        var state = new Murmur3(seed);
        state.Append(data);
        return state.Finish();
    }

    /// <summary>Adds bytes; the result is the same however the input is split between calls.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (uint)data.Length;
        while (_pendingCount != 0 && !data.IsEmpty)
        {
            _pending |= (uint)data[0] << (8 * _pendingCount);
            data = data[1..];
            if (++_pendingCount == 4)
            {
                _hash = MixBlock(_hash, _pending);
                _pending = 0;
                _pendingCount = 0;
            }
        }
        while (data.Length >= 4)
        {
            _hash = MixBlock(_hash, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (var b in data)
            _pending |= (uint)b << (8 * _pendingCount++);
    }

    /// <summary>The hash of everything appended so far; the state itself is left as it was.</summary>
    public readonly uint Finish()
    {
        var h = _hash;
        if (_pendingCount != 0)
            h ^= ScrambleBlock(_pending);
        h ^= _length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    private static uint ScrambleBlock(uint k) => BitOperations.RotateLeft(k * C1, 15) * C2;

    private static uint MixBlock(uint h, uint k) => BitOperations.RotateLeft(h ^ ScrambleBlock(k), 13) * 5 + 0xe6546b64;
}
