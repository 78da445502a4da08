using System.Globalization;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Distribution;

public class KetamaLocatorTests
{
    private static byte[] Bytes(string key) => Encoding.UTF8.GetBytes(key);

    private static KetamaLocator Locator(string servers, KetamaFlavor flavor) =>
        new(ServerEndPoint.ParseList(servers), flavor);

    public static TheoryData<int> VectorIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < LibmemcachedKetamaVectors.Cases.Length; i++)
            data.Add(i);
        return data;
    }

    [Fact]
    public void Libketama_matches_all_99_libmemcached_ketama_weighted_vectors_key_hash_point_and_server()
    {
        var locator = Locator(LibmemcachedKetamaVectors.Servers, KetamaFlavor.Libketama);
        foreach (var (key, hash, point, server, _) in LibmemcachedKetamaVectors.Cases)
        {
            var bytes = Bytes(key);
            Assert.Equal(hash, locator.HashKey(bytes));
            Assert.Equal(point, locator.RingPointFor(hash));
            Assert.Equal(server, locator.Locate(bytes).Host);
        }
    }

    [Fact]
    public void Libmemcached_spy_matches_all_99_libmemcached_ketama_spy_vectors()
    {
        var locator = Locator(LibmemcachedKetamaVectors.Servers, KetamaFlavor.LibmemcachedSpy);
        var wrong = LibmemcachedKetamaVectors.Cases
            .Where(c => locator.Locate(Bytes(c.Key)).Host != c.SpyServer)
            .Select(c => c.Key)
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void A_key_hashing_past_the_last_point_wraps_to_the_first_point()
    {
        // libmemcached's own wraparound check: VDEAAAAA hashes to 0xfffcd1b5, after the last point.
        var locator = Locator(LibmemcachedKetamaVectors.Servers, KetamaFlavor.Libketama);
        var hash = locator.HashKey(Bytes("VDEAAAAA"));
        Assert.Equal(0xfffcd1b5u, hash);
        Assert.True(hash > locator.Points[^1]);
        Assert.Equal(locator.Points[0], locator.RingPointFor(hash));
        Assert.Equal("10.0.1.3", locator.Locate(Bytes("VDEAAAAA")).Host);
    }

    [Fact]
    public void Libketama_weighted_ring_of_the_vectors_has_1264_points()
    {
        // floor(weight/total × 40 × 8) × 4 per server: 1264, not 8 × 160, with these weights.
        Assert.Equal(1264, Locator(LibmemcachedKetamaVectors.Servers, KetamaFlavor.Libketama).PointCount);
    }

    [Theory]
    [InlineData(1, 160)]
    [InlineData(5, 160)]
    [InlineData(6, 160)]
    [InlineData(24, 160)]
    [InlineData(25, 156)] // single-precision rounding: 1/25 × 160 / 4 × 25 = 39.999996 in float
    [InlineData(50, 156)]
    public void Equal_weights_give_160_points_except_where_float_rounding_makes_libmemcached_give_156(int servers, int points)
    {
        Assert.Equal(points, KetamaLocator.WeightedPointCount(1, servers, servers));
        var list = Enumerable.Range(0, servers).Select(i => new ServerEndPoint("10.0.0.1", 20000 + i));
        Assert.Equal(points * servers, new KetamaLocator(list, KetamaFlavor.Libketama).PointCount);
    }

    [Fact]
    public void Spymemcached_ignores_the_float_rounding_when_unweighted_like_spymemcached()
    {
        var list = Enumerable.Range(0, 25).Select(i => new ServerEndPoint("10.0.0.1", 20000 + i));
        Assert.Equal(25 * 160, new KetamaLocator(list, KetamaFlavor.Spymemcached).PointCount);
    }

    [Theory]
    [InlineData("cache1", 11211, KetamaFlavor.Libketama, "cache1")]
    [InlineData("cache1", 11212, KetamaFlavor.Libketama, "cache1:11212")]
    [InlineData("::1", 11211, KetamaFlavor.Libketama, "::1")]
    [InlineData("::1", 11300, KetamaFlavor.LibmemcachedKetama, "::1:11300")]
    [InlineData("cache1", 11211, KetamaFlavor.LibmemcachedKetama, "cache1")]
    [InlineData("10.0.1.1", 11211, KetamaFlavor.Spymemcached, "10.0.1.1:11211")]
    [InlineData("10.0.1.1", 11211, KetamaFlavor.LibmemcachedSpy, "/10.0.1.1:11211")]
    public void Servers_are_named_the_way_each_flavour_hashes_them(string host, int port, KetamaFlavor flavor, string name)
    {
        Assert.Equal(name, KetamaLocator.PointNamePrefix(new ServerEndPoint(host, port), flavor));
    }

    // spymemcached's KetamaNodeLocatorTest.testLibKetamaCompatTwo: eight servers from AddrUtil
    // ("10.0.1.1:11211" ...), KETAMA_HASH, default node names; the first 40 of its expectations.
    [Theory]
    [InlineData("0", 1)]
    [InlineData("233", 7)]
    [InlineData("466", 3)]
    [InlineData("699", 1)]
    [InlineData("932", 6)]
    [InlineData("1165", 2)]
    [InlineData("1398", 1)]
    [InlineData("1631", 6)]
    [InlineData("1864", 5)]
    [InlineData("2097", 3)]
    [InlineData("2330", 7)]
    [InlineData("2563", 3)]
    [InlineData("2796", 6)]
    [InlineData("3029", 1)]
    [InlineData("3262", 2)]
    [InlineData("3495", 3)]
    [InlineData("3728", 8)]
    [InlineData("3961", 4)]
    [InlineData("4194", 4)]
    [InlineData("4427", 3)]
    [InlineData("4660", 4)]
    [InlineData("4893", 7)]
    [InlineData("5126", 4)]
    [InlineData("5359", 2)]
    [InlineData("5592", 2)]
    [InlineData("5825", 3)]
    [InlineData("6058", 2)]
    [InlineData("6291", 7)]
    [InlineData("6524", 5)]
    [InlineData("6757", 5)]
    [InlineData("6990", 1)]
    [InlineData("7223", 5)]
    [InlineData("7456", 4)]
    [InlineData("7689", 2)]
    [InlineData("7922", 5)]
    [InlineData("8155", 5)]
    [InlineData("8388", 1)]
    [InlineData("8621", 2)]
    [InlineData("8854", 2)]
    [InlineData("9087", 1)]
    [InlineData("28892", 7)]
    [InlineData("126985", 7)]
    public void Spymemcached_matches_spymemcacheds_libketama_compat_vectors(string key, int server)
    {
        var servers = string.Join(',', Enumerable.Range(1, 8).Select(i => $"10.0.1.{i}:11211"));
        var locator = Locator(servers, KetamaFlavor.Spymemcached);
        Assert.Equal($"10.0.1.{server}", locator.Locate(Bytes(key)).Host);
    }

    [Fact]
    public void Spymemcached_matches_spymemcacheds_own_lookup_and_wrapping_tests()
    {
        // KetamaNodeLocatorTest: nodes 127.0.0.1:10000.. (unresolved, so named "127.0.0.1:1000i").
        static KetamaLocator Nodes(int n) => new(
            Enumerable.Range(0, n).Select(i => new ServerEndPoint("127.0.0.1", 10000 + i)), KetamaFlavor.Spymemcached);
        var four = Nodes(4);
        Assert.Equal(4294887009u, four.Points[^1]); // testContinuumWrapping: getMaxKey()
        Assert.Equal(0, four.LocateIndex(Bytes("dustin")));
        Assert.Equal(2, four.LocateIndex(Bytes("noelani")));
        Assert.Equal(0, four.LocateIndex(Bytes("some other key")));
        Assert.Equal(3, four.LocateIndex(Bytes("V5XS8C8N")));
        Assert.Equal(3, four.LocateIndex(Bytes("8KR2DKR2")));
        Assert.Equal(3, four.LocateIndex(Bytes("L9KH6X4X")));

        var five = Nodes(5); // testLibKetamaCompat and testClusterResizing
        Assert.Equal(2, five.LocateIndex(Bytes("36")));
        Assert.Equal(3, five.LocateIndex(Bytes("10037")));
        Assert.Equal(1, five.LocateIndex(Bytes("22051")));
        Assert.Equal(4, five.LocateIndex(Bytes("49044")));
        Assert.Equal(0, five.LocateIndex(Bytes("dustin")));
        Assert.Equal(2, five.LocateIndex(Bytes("noelani")));
        Assert.Equal(4, five.LocateIndex(Bytes("some other key")));
    }

    [Fact]
    public void Libmemcached_ketama_matches_libmemcached_plain_ketama_including_non_ascii_keys()
    {
        // Computed by Debian's libmemcached 1.1.4: memcached_generate_hash with MEMCACHED_BEHAVIOR_KETAMA set
        // before the servers are added, as pylibmc does (scripts/libmemcached_locate.py). The 0xff 0xfe 0x80
        // key exercises the signed-char one-at-a-time hash.
        var locator = Locator("127.0.0.1:11211,127.0.0.1:11212,cache-b:11211", KetamaFlavor.LibmemcachedKetama);
        string[] expected =
        [
            "127.0.0.1:11211", "127.0.0.1:11211", "127.0.0.1:11212", "cache-b:11211", "cache-b:11211", "127.0.0.1:11211",
            "cache-b:11211", "127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11212", "127.0.0.1:11212",
        ];
        Assert.Equal(expected, PlainKeys().Select(k => locator.Locate(k).HostPort));
        Assert.Equal(300, locator.PointCount);
    }

    [Fact]
    public void Libmemcached_ketama_switches_to_weighted_points_when_a_weight_is_above_one_like_libmemcached()
    {
        // Same source; cache-b has weight 2, which makes libmemcached weigh the ring (MD5 points, 160 per
        // server scaled) while the key hash stays one-at-a-time.
        var locator = Locator("127.0.0.1:11211,127.0.0.1:11212,cache-b:11211:2", KetamaFlavor.LibmemcachedKetama);
        string[] expected =
        [
            "127.0.0.1:11211", "127.0.0.1:11212", "cache-b:11211", "127.0.0.1:11212", "127.0.0.1:11212", "cache-b:11211",
            "cache-b:11211", "cache-b:11211", "127.0.0.1:11211", "127.0.0.1:11211", "127.0.0.1:11211",
        ];
        Assert.Equal(expected, PlainKeys().Select(k => locator.Locate(k).HostPort));
        Assert.Equal(480, locator.PointCount); // 1/4, 1/4, 2/4 of 3 × 160
    }

    [Fact]
    public void Libketama_and_libmemcached_spy_match_libmemcached_with_a_weight_and_mixed_ports()
    {
        // Same source as above, with MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED (and KETAMA_SPY for the second).
        const string servers = "127.0.0.1:11211,127.0.0.1:11212,cache-b:11211:2";
        string[] libketama =
        [
            "127.0.0.1:11211", "cache-b:11211", "cache-b:11211", "127.0.0.1:11212", "127.0.0.1:11211", "127.0.0.1:11211",
            "127.0.0.1:11211", "cache-b:11211", "127.0.0.1:11212", "127.0.0.1:11212", "127.0.0.1:11211",
        ];
        string[] spy =
        [
            "cache-b:11211", "cache-b:11211", "127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11212", "cache-b:11211",
            "127.0.0.1:11212", "cache-b:11211", "cache-b:11211", "cache-b:11211", "cache-b:11211",
        ];
        var a = Locator(servers, KetamaFlavor.Libketama);
        var b = Locator(servers, KetamaFlavor.LibmemcachedSpy);
        Assert.Equal(libketama, PlainKeys().Select(k => a.Locate(k).HostPort));
        Assert.Equal(spy, PlainKeys().Select(k => b.Locate(k).HostPort));
    }

    private static IEnumerable<byte[]> PlainKeys()
    {
        for (var i = 0; i < 8; i++)
            yield return Bytes("key-" + i.ToString(CultureInfo.InvariantCulture));
        yield return Bytes("ключ-1");
        yield return Bytes("clé");
        yield return [0xff, 0xfe, 0x80];
    }

    [Fact]
    public void Spymemcached_keeps_the_later_server_when_two_points_collide_and_libmemcached_the_first()
    {
        // Real collisions among 32-bit points are rare, so the rule is checked on a hand-made ring:
        // server 1 and server 0 both own point 500 (server 1 put first), server 2 owns 900.
        List<(uint, int, int)> Ring() => [(500u, 1, 0), (900u, 2, 1), (500u, 0, 2)];

        var (spyPoints, spyOwners) = KetamaLocator.Arrange(Ring(), laterWins: true);
        Assert.Equal([500u, 900u], spyPoints);
        Assert.Equal([0, 2], spyOwners); // TreeMap.put: the later put (server 0) replaced server 1

        var (libPoints, libOwners) = KetamaLocator.Arrange(Ring(), laterWins: false);
        Assert.Equal([500u, 500u, 900u], libPoints);
        Assert.Equal([0, 1, 2], libOwners); // sorted by (point, index); the search lands on the first
    }

    [Fact]
    public void One_server_gets_every_key()
    {
        var locator = new KetamaLocator([new ServerEndPoint("only", 11300)]);
        for (var i = 0; i < 1000; i++)
            Assert.Equal(0, locator.LocateIndex(Bytes("k" + i.ToString(CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Weights_scale_the_share_of_keys()
    {
        var locator = Locator("10.0.0.1:11211:1,10.0.0.2:11211:3", KetamaFlavor.Libketama);
        var counts = new int[2];
        for (var i = 0; i < 20_000; i++)
            counts[locator.LocateIndex(Bytes("key-" + i.ToString(CultureInfo.InvariantCulture)))]++;
        // Expected 1:3; ketama's arcs are uneven, so allow a few percent.
        Assert.InRange(counts[1] / (double)counts.Sum(), 0.70, 0.80);
    }
}
