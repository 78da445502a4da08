using Hoard.Router;
using Hoard.Router.Config;
using Hoard.Router.Routes;
using Hoard.Router.Stats;
using Hoard.Router.Upstream;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>Loads a router configuration with the router's own loader (pools created, never started: nothing connects).</summary>
public static class RouterConfigs
{
    public static async Task<IReadOnlyDictionary<string, Hoard.Client.Discovery.DiscoverySpec?>> LoadPoolsAsync(string json)
    {
        var options = new RouterOptions { ConfigPath = "deploy-test.json" };
        await using var registry = new UpstreamRegistry(options, NullLogger.Instance);
        var runtime = new RouteRuntime(options, new RouterStatistics(), deleteLog: null, NullLogger.Instance);
        await using var table = RouterConfigLoader.Load(json, registry, runtime);
        return table.Pools.ToDictionary(p => p.Key, p => p.Value.Discovery, StringComparer.Ordinal);
    }
}
