using System.Text.Json;
using Hoard.Cli.Cluster;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Tests.Cluster;

public sealed class RouterConfigTests
{
    [Fact]
    public void The_config_is_mcrouters_pool_route_over_every_node()
    {
        var json = RouterConfig.Json([new ServerEndPoint("127.0.0.1", 11211), new ServerEndPoint("127.0.0.1", 11212), new ServerEndPoint("::1", 11213)]);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("PoolRoute|A", root.GetProperty("route").GetString());
        var servers = root.GetProperty("pools").GetProperty("A").GetProperty("servers").EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.Equal(["127.0.0.1:11211", "127.0.0.1:11212", "[::1]:11213"], servers);
    }
}
