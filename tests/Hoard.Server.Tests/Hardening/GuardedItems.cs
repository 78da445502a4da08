using Hoard.Protocol.Tests.Fuzz;
using Hoard.Storage;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// Items stored before a fuzz run and checked byte for byte (value, client flags, CAS) after it.
/// Their keys start with <see cref="Prefix"/>, which the fuzz corpus never generates (its keys are <c>k</c>,
/// <c>n</c>, <c>user:</c> plus a number, or runs of <c>L</c>) and which mutations cannot reach with useful
/// probability: it takes eleven specific bytes in a row, and a random base64 (<c>b</c> flag) key would have to
/// decode to them. So no fuzz input can set, delete, touch or append to them; what could reach them
/// regardless of key is ruled out by the server's options: <c>flush_all</c> is refused (<c>-F</c>), nothing is
/// evicted (<c>-M</c>), and <c>cache_memlimit</c> is left out of the server corpus.
/// </summary>
internal sealed class GuardedItems
{
    public const string Prefix = "~hardened~/";

    private readonly List<(byte[] Key, byte[] Value, uint Flags, ulong Cas)> _items = [];

    /// <summary>Stores <paramref name="count"/> items of 0 B .. 20 KB through the engine, as a client's sets would.</summary>
    public static GuardedItems Store(CacheEngine engine, int count, ulong seed)
    {
        var guarded = new GuardedItems();
        var rng = new FuzzRng(seed);
        for (int i = 0; i < count; i++)
        {
            var key = System.Text.Encoding.ASCII.GetBytes(Prefix + i);
            var value = new byte[rng.OneIn(10) ? rng.Next(8_000, 20_000) : rng.Next(0, 600)];
            for (int j = 0; j < value.Length; j++)
                value[j] = rng.NextByte();
            uint flags = (uint)rng.NextUInt64();
            var request = new StoreRequest { Mode = StoreMode.Set, ClientFlags = flags };
            Assert.Equal(StoreResult.Stored, engine.Store(in request, key, value, out var info));
            guarded._items.Add((key, value, flags, info.Cas));
        }
        return guarded;
    }

    public int Count => _items.Count;

    public long Bytes => _items.Sum(item => CacheEngine.ItemSize(item.Key.Length, item.Value.Length));

    /// <summary>Every item is still there, with the same value, flags and CAS (so it was never rewritten).</summary>
    public void AssertUnchanged(CacheEngine engine)
    {
        foreach (var (key, value, flags, cas) in _items)
        {
            var reader = new Snapshot();
            var options = new ReadOptions { NoLruBump = true };
            var result = engine.Read(key, in options, ref reader);
            string name = System.Text.Encoding.ASCII.GetString(key);
            Assert.True(result != ReadResult.Miss, $"guarded item {name} is gone");
            Assert.True(value.AsSpan().SequenceEqual(reader.Value), $"guarded item {name} changed its value");
            Assert.Equal(flags, reader.Flags);
            Assert.Equal(cas, reader.Cas);
        }
    }

    private struct Snapshot : IItemReader
    {
        public byte[] Value;
        public uint Flags;
        public ulong Cas;

        public void Read(scoped in ItemView item)
        {
            Value = item.Value.ToArray();
            Flags = item.ClientFlags;
            Cas = item.Cas;
        }
    }
}
