using Hoard.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hoard.Integration.Tests;

/// <summary>
/// libmemcached itself (Debian's libmemcached.so.11 through ctypes, scripts/libmemcached_locate.py; no server
/// is contacted) against <c>hoard locate</c>, on fleets the live test cannot build: port 11211 (left out of
/// the hashed name), host names, IPv6, 25 servers (where float rounding gives 156 points each), weights.
/// </summary>
public sealed class LibmemcachedAgreementTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("libketama", "10.0.1.1:11211:600,10.0.1.2:11211:300,10.0.1.3:11211:200,10.0.1.4:11211:350,10.0.1.5:11211:1000,10.0.1.6:11211:800,10.0.1.7:11211:950,10.0.1.8:11211:100")]
    [InlineData("libmemcached-spy", "10.0.1.1:11211:600,10.0.1.2:11211:300,10.0.1.3:11211:200,10.0.1.4:11211:350,10.0.1.5:11211:1000,10.0.1.6:11211:800,10.0.1.7:11211:950,10.0.1.8:11211:100")]
    [InlineData("libmemcached-ketama", "10.0.1.1:11211:600,10.0.1.2:11211:300,10.0.1.3:11211:200,10.0.1.4:11211:350,10.0.1.5:11211:1000,10.0.1.6:11211:800,10.0.1.7:11211:950,10.0.1.8:11211:100")]
    [InlineData("libketama", "cache-a:11211,cache-b:11212,[::1]:11213,10.1.1.1:11211:3,10.1.1.2:20000")]
    [InlineData("libmemcached-ketama", "cache-a:11211,cache-b:11212,[::1]:11213,10.1.1.1:11211,10.1.1.2:20000")]
    [InlineData("libmemcached-ketama", "cache-a:11211,cache-b:11212,[::1]:11213,10.1.1.1:11211:3,10.1.1.2:20000")]
    [InlineData("libmemcached-spy", "cache-a:11211,cache-b:11212,[::1]:11213,10.1.1.1:11211:3,10.1.1.2:20000")]
    [InlineData("libketama", "25 equal servers")] // 156 points each in libmemcached, from float rounding
    [InlineData("libmemcached-ketama", "25 equal servers")]
    [InlineData("libketama", "memcached-0.memcached:11211")]
    public void Hoard_agrees_with_libmemcached_itself_on_every_key(string flavor, string servers)
    {
        if (servers == "25 equal servers")
            servers = string.Join(',', Enumerable.Range(1, 25).Select(i => $"10.0.0.{i}:11211"));
        var keys = KeyFile.Keys("lib-", 5000, nonAscii: true).Append("VDEAAAAA").ToList();
        using var keyFile = new KeyFile(keys);
        var result = ExternalTool.Run(ExternalTool.Python, [ExternalTool.Script("libmemcached_locate.py"), flavor, servers, keyFile.Path], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.StartsWith("::", StringComparison.Ordinal) ? $"[{s[..s.LastIndexOf(':')]}]{s[s.LastIndexOf(':')..]}" : s)
            .ToList();

        var actual = HoardLocate.Run(keys, "--servers", servers, "--distribution", "ketama", "--flavor", flavor);
        var differ = Enumerable.Range(0, keys.Count).Where(i => expected[i] != actual[i]).ToList();
        output.WriteLine($"{flavor} over {servers}: {keys.Count - differ.Count} of {keys.Count} keys agree with libmemcached");
        Assert.True(differ.Count == 0,
            $"{differ.Count} keys differ, first: {string.Join("; ", differ.Take(5).Select(i => $"{keys[i]}: libmemcached {expected[i]}, hoard {actual[i]}"))}");
    }
}
