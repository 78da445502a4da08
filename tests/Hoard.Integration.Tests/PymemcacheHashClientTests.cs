using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>pymemcache's HashClient over three independent servers (scripts/pymemcache_hash.py).</summary>
public sealed class PymemcacheHashClientTests
{
    [Fact]
    public void Pymemcache_HashClient_spreads_1000_keys_over_three_servers_and_reads_them_back()
    {
        using var a = ServerProcess.Start();
        using var b = ServerProcess.Start();
        using var c = ServerProcess.Start();
        PythonScript.AssertPasses(a, "pymemcache_hash.py", a.Port, b.Port, c.Port);

        // Independently of the script: every server holds some of the keys, none holds them all.
        var counts = new[] { a, b, c }.Select(s =>
        {
            using var client = s.Connect();
            return client.Stat("curr_items");
        }).ToList();
        Assert.All(counts, n => Assert.InRange(n, 1, 899));
        Assert.Equal(900, counts.Sum()); // the script deletes every tenth key at the end
    }
}
