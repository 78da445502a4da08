using Hoard.Client.Discovery;
using Hoard.Deploy.Tests.Infrastructure;
using Hoard.Router.Config;

namespace Hoard.Deploy.Tests.Kubernetes;

/// <summary>The shipped router configurations, read by the router's own loader as the router reads them at start.</summary>
public sealed class RouterConfigLoadingTests
{
    [Fact]
    public async Task The_config_map_loads_into_one_pool_discovering_the_headless_service()
    {
        var pools = await RouterConfigs.LoadPoolsAsync(KubernetesManifests.Plain.RouterConfig.Data["router.json"]);
        var (name, spec) = Assert.Single(pools);
        Assert.Equal("main", name);
        Assert.Equal(DiscoveryKind.Dns, spec!.Kind);
        Assert.Equal("mycache-hoard.default.svc.cluster.local", spec.Target);
    }

    [Fact]
    public async Task The_compose_config_loads_into_one_pool_discovering_the_server_alias()
    {
        var pools = await RouterConfigs.LoadPoolsAsync(File.ReadAllText(Path.Combine(Repository.DockerDirectory, "router", "router.json")));
        var spec = Assert.Single(pools).Value;
        Assert.Equal(DiscoveryKind.Dns, spec!.Kind);
        Assert.Equal("hoard", spec.Target);
    }

    [Fact]
    public async Task A_config_naming_a_pool_that_does_not_exist_is_refused()
    {
        var json = KubernetesManifests.Plain.RouterConfig.Data["router.json"].Replace("PoolRoute|main", "PoolRoute|missing", StringComparison.Ordinal);
        await Assert.ThrowsAsync<RouterConfigException>(() => RouterConfigs.LoadPoolsAsync(json));
    }
}
