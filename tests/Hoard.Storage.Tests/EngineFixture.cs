using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Hoard.Storage.Tests;

/// <summary>Helpers shared by the engine tests: a fake clock and string conveniences.</summary>
internal static class EngineFixture
{
    public static (CacheEngine Engine, FakeTimeProvider Clock) Create(long memory = 64L * 1024 * 1024, int maxItem = 1024 * 1024, bool evictions = true, int shards = 4)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var engine = new CacheEngine(new CacheOptions
        {
            MemoryLimitBytes = memory,
            MaxItemSize = maxItem,
            EvictionsEnabled = evictions,
            ShardCount = shards,
            ExpiryScanInterval = TimeSpan.FromHours(1),
        }, clock);
        return (engine, clock);
    }

    public static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    public static StoreResult Set(this CacheEngine engine, string key, string value, long exptime = 0, uint flags = 0, StoreMode mode = StoreMode.Set, ulong cas = 0)
    {
        var request = new StoreRequest { Mode = mode, Exptime = exptime, ClientFlags = flags, CompareCas = cas };
        return engine.Store(in request, B(key), B(value), out _);
    }

    public static string? Get(this CacheEngine engine, string key) => engine.GetItem(key)?.Value;

    public static Captured? GetItem(this CacheEngine engine, string key, ReadOptions options = default)
    {
        var reader = new CapturingReader();
        var result = engine.Read(B(key), in options, ref reader);
        return result == ReadResult.Miss ? null : reader.Item;
    }

    public sealed record Captured(string Value, uint Flags, ulong Cas, long Ttl, bool Win, bool Stale, bool WinTokenSent, bool FetchedBefore);

    public struct CapturingReader : IItemReader
    {
        public Captured? Item;

        public void Read(scoped in ItemView item) =>
            Item = new Captured(Encoding.ASCII.GetString(item.Value), item.ClientFlags, item.Cas, item.TtlSeconds, item.Win, item.Stale, item.WinTokenSent, item.FetchedBefore);
    }
}
