using System.Globalization;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Distribution;

public class ModulaLocatorTests
{
    private static byte[] Key(string prefix, int i) => Encoding.UTF8.GetBytes(prefix + i.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void Matches_python_memcached_with_a_weighted_server()
    {
        // python-memcached 1.59 memcache.Client(['127.0.0.1:11211', '127.0.0.1:11212', ('127.0.0.1:11213', 3),
        // '127.0.0.1:11214'])._get_server(b'key-i') for i in 0..23 (its connect patched out).
        int[] expected = [3, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 3, 0, 0, 1, 0, 1, 2, 3, 2, 3, 0, 1];
        var locator = new ModulaLocator(ServerEndPoint.ParseList("127.0.0.1:11211,127.0.0.1:11212,127.0.0.1:11213:3,127.0.0.1:11214"));
        Assert.Equal(6, locator.BucketCount);
        Assert.Equal(expected, Enumerable.Range(0, 24).Select(i => locator.LocateIndex(Key("key-", i))));
    }

    [Fact]
    public void A_zero_hash_counts_as_one_like_python_memcached()
    {
        // crc32("k25") has bits 16-30 all zero; python-memcached's "or 1" sends it to bucket 1 % 3, not 0.
        var locator = new ModulaLocator(ServerEndPoint.ParseList("a:1,b:2,c:3"));
        Assert.Equal(1, locator.LocateIndex("k25"u8));
        Assert.Equal(1, locator.LocateIndex("k30507"u8));
    }

    [Fact]
    public void Large_weights_keep_python_memcacheds_modulus_without_a_huge_bucket_list()
    {
        // Sum of weights 1,500,000 > any hash (at most 0x7fff), so every key lands in the first server's
        // 1,000,000 buckets, as in python-memcached's list.
        var locator = new ModulaLocator(ServerEndPoint.ParseList("a:1:1000000,b:1:500000"));
        Assert.Equal(1_500_000, locator.BucketCount);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(0, locator.LocateIndex(Key("k", i))));

        // 40,000 buckets: hashes 0..32767 fall in a's 20,000 or b's next 20,000; the split follows the hash.
        var split = new ModulaLocator(ServerEndPoint.ParseList("a:1:20000,b:1:20000"));
        Assert.All(Enumerable.Range(0, 1000), i =>
        {
            var key = Key("k", i);
            Assert.Equal(Hoard.Client.Hashing.PythonMemcachedHash.Hash(key) < 20000 ? 0 : 1, split.LocateIndex(key));
        });
    }

    [Fact]
    public void Server_order_matters()
    {
        var ab = new ModulaLocator(ServerEndPoint.ParseList("a:1,b:1"));
        var ba = new ModulaLocator(ServerEndPoint.ParseList("b:1,a:1"));
        var differ = Enumerable.Range(0, 100).Count(i => ab.Locate(Key("k", i)).Host != ba.Locate(Key("k", i)).Host);
        Assert.Equal(100, differ);
    }
}

public class RendezvousLocatorTests
{
    private static byte[] Key(string prefix, int i) => Encoding.UTF8.GetBytes(prefix + i.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void Matches_pymemcache_rendezvous_hash()
    {
        // pymemcache 3.5.2 RendezvousHash(nodes=['127.0.0.1:11211' .. '127.0.0.1:11215']).get_node('key-i').
        int[] expected = [2, 2, 1, 2, 4, 4, 2, 1, 2, 1, 2, 2, 4, 2, 1, 0, 2, 2, 4, 2, 0, 4, 0, 0];
        var locator = new RendezvousLocator(Enumerable.Range(11211, 5).Select(p => new ServerEndPoint("127.0.0.1", p)));
        Assert.Equal(expected, Enumerable.Range(0, 24).Select(i => locator.LocateIndex(Key("key-", i))));
    }

    [Fact]
    public void Names_ipv6_servers_without_brackets_like_pymemcache()
    {
        // pymemcache names a ('::1', 11211) client "::1:11211"; RendezvousHash(nodes=['::1:11211',
        // '10.0.0.1:11211', 'cache-a:20000']).get_node('k0'..'k7').
        string[] expected =
        [
            "10.0.0.1:11211", "[::1]:11211", "10.0.0.1:11211", "10.0.0.1:11211", "[::1]:11211", "cache-a:20000",
            "cache-a:20000", "10.0.0.1:11211",
        ];
        var locator = new RendezvousLocator(ServerEndPoint.ParseList("[::1]:11211,10.0.0.1:11211,cache-a:20000"));
        Assert.Equal(expected, Enumerable.Range(0, 8).Select(i => locator.Locate(Key("k", i)).HostPort));
    }

    [Fact]
    public void Score_is_murmur3_of_name_dash_key()
    {
        var locator = new RendezvousLocator([new ServerEndPoint("127.0.0.1", 11211)]);
        Assert.Equal(Hoard.Client.Hashing.Murmur3.Hash("127.0.0.1:11211-some-key"u8), locator.Score(0, "some-key"u8));
    }

    [Fact]
    public void Removing_a_server_moves_only_its_own_keys()
    {
        var five = new RendezvousLocator(Enumerable.Range(11211, 5).Select(p => new ServerEndPoint("10.0.0.1", p)));
        var four = (RendezvousLocator)five.WithNodes(five.Nodes.Take(4));
        for (var i = 0; i < 5000; i++)
        {
            var key = Key("key-", i);
            var before = five.Locate(key);
            if (before.Port != 11215)
                Assert.Equal(before, four.Locate(key));
        }
    }
}
