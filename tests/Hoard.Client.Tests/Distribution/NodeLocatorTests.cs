using System.Globalization;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Distribution;

public class NodeLocatorTests
{
    public static TheoryData<KeyDistribution, KetamaFlavor?> AllSchemes() => new()
    {
        { KeyDistribution.Ketama, KetamaFlavor.Libketama },
        { KeyDistribution.Ketama, KetamaFlavor.LibmemcachedKetama },
        { KeyDistribution.Ketama, KetamaFlavor.Spymemcached },
        { KeyDistribution.Ketama, KetamaFlavor.LibmemcachedSpy },
        { KeyDistribution.Modula, null },
        { KeyDistribution.Rendezvous, null },
    };

    private static IEnumerable<ServerEndPoint> Five() =>
        Enumerable.Range(0, 5).Select(i => new ServerEndPoint("10.0.0." + (i + 1).ToString(CultureInfo.InvariantCulture), 11211));

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void An_empty_server_list_is_an_error(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var e = Assert.Throws<ArgumentException>(() => NodeLocator.Create(distribution, [], flavor));
        Assert.Contains("At least one server", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void A_server_listed_twice_is_an_error(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var e = Assert.Throws<ArgumentException>(() => NodeLocator.Create(distribution, ServerEndPoint.ParseList("a:1,b:2,A:1:3"), flavor));
        Assert.Contains("A:1 is listed more than once", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void One_server_gets_every_key(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var locator = NodeLocator.Create(distribution, [new ServerEndPoint("solo", 11300, 7)], flavor);
        for (var i = 0; i < 500; i++)
            Assert.Equal("solo:11300", locator.Locate(Encoding.ASCII.GetBytes("k" + i.ToString(CultureInfo.InvariantCulture))).HostPort);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void Every_server_gets_a_fair_share_of_keys(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var locator = NodeLocator.Create(distribution, Five(), flavor);
        var counts = new int[5];
        for (var i = 0; i < 10_000; i++)
            counts[locator.LocateIndex(Encoding.ASCII.GetBytes("key-" + i.ToString(CultureInfo.InvariantCulture)))]++;
        Assert.All(counts, c => Assert.InRange(c, 1200, 2800)); // 2000 each on average
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void WithNodes_builds_a_new_locator_and_leaves_the_old_one_unchanged(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var five = NodeLocator.Create(distribution, Five(), flavor);
        var before = Enumerable.Range(0, 200).Select(i => five.Locate(Encoding.ASCII.GetBytes("k" + i.ToString(CultureInfo.InvariantCulture)))).ToList();
        var six = five.WithNodes(five.Nodes.Append(new ServerEndPoint("10.0.0.6", 11211)));
        Assert.NotSame(five, six);
        Assert.Equal(distribution, six.Distribution);
        Assert.Equal(6, six.Nodes.Count);
        Assert.Equal(5, five.Nodes.Count);
        Assert.Equal(before, Enumerable.Range(0, 200).Select(i => five.Locate(Encoding.ASCII.GetBytes("k" + i.ToString(CultureInfo.InvariantCulture)))));
        if (six is KetamaLocator ketama)
            Assert.Equal(flavor, ketama.Flavor);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void Locate_allocates_nothing(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var locator = NodeLocator.Create(distribution, Five(), flavor);
        var keys = Enumerable.Range(0, 1000).Select(i => Encoding.ASCII.GetBytes("key-" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var sink = 0;
        // Warm up both calls (JIT, the MD5 provider, lazily built state): only the steady state is measured.
        foreach (var key in keys)
            sink += locator.LocateIndex(key) + locator.Locate(key).Port;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 10; round++)
        {
            foreach (var key in keys)
                sink += locator.LocateIndex(key) + locator.Locate(key).Port;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 20,000 calls: one allocation per call would be at least 480,000 bytes. The bound leaves room for the
        // runtime's own occasional allocation on this thread while other tests run (1,368 bytes seen once in CI).
        Assert.True(allocated < 4096, $"{allocated} bytes allocated over 20,000 calls");
        Assert.True(sink > 0);
    }

    [Fact]
    public void A_flavour_with_another_distribution_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => NodeLocator.Create(KeyDistribution.Modula, Five(), KetamaFlavor.Spymemcached));
    }

    [Fact]
    public void Ketama_defaults_to_the_libketama_flavour()
    {
        var locator = Assert.IsType<KetamaLocator>(NodeLocator.Create(KeyDistribution.Ketama, Five()));
        Assert.Equal(KetamaFlavor.Libketama, locator.Flavor);
    }
}
