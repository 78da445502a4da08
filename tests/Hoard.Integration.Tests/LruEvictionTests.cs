using System.Globalization;
using System.Text;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

public sealed class LruEvictionTests
{
    [Fact]
    public void Full_cache_evicts_the_least_recently_used_items_and_stays_within_its_limit()
    {
        using var server = ServerProcess.Start("-m", "8");
        using var client = server.Connect();
        var value = new string('v', 1000);
        const int count = 20_000;
        const int batch = 200;
        for (var i = 0; i < count; i += batch)
        {
            var request = new StringBuilder();
            for (var j = i; j < i + batch; j++)
                request.Append(CultureInfo.InvariantCulture, $"set lru-{j:D5} 0 0 {value.Length}\r\n{value}\r\n");
            client.Send(request.ToString());
            for (var j = i; j < i + batch; j++)
            {
                var reply = client.ReadLine();
                Assert.True(reply == "STORED", $"set lru-{j:D5} answered '{reply}'");
            }
        }

        var stats = client.Stats();
        var evictions = long.Parse(stats["evictions"], CultureInfo.InvariantCulture);
        var bytes = long.Parse(stats["bytes"], CultureInfo.InvariantCulture);
        var limit = long.Parse(stats["limit_maxbytes"], CultureInfo.InvariantCulture);
        Assert.Equal(8L * 1024 * 1024, limit);
        Assert.True(evictions > 0, "no evictions after storing 20 MB in an 8 MB cache");
        Assert.True(bytes <= limit, $"bytes {bytes} > limit_maxbytes {limit}");

        var newest = Enumerable.Range(count - 100, 100).Select(i => $"lru-{i:D5}").ToList();
        var oldest = Enumerable.Range(0, 100).Select(i => $"lru-{i:D5}").ToList();
        var newestFound = client.GetMany(newest);
        Assert.True(newestFound.Count == 100, $"only {newestFound.Count} of the 100 newest keys are present");
        Assert.All(newestFound.Values, v => Assert.Equal(value, v));
        var oldestFound = client.GetMany(oldest);
        Assert.True(oldestFound.Count == 0, $"{oldestFound.Count} of the 100 oldest keys survived: {string.Join(',', oldestFound.Keys.Take(10))}");
    }
}
