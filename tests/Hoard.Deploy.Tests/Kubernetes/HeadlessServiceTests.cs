using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Kubernetes;

public sealed class HeadlessServiceTests
{
    private static readonly KubernetesManifests Manifests = KubernetesManifests.Plain;

    [Fact]
    public void The_service_is_headless_so_its_name_resolves_to_every_server_pod()
    {
        Assert.Equal("None", Manifests.Service.Spec.ClusterIP);
        Assert.Equal(false, Manifests.Service.Spec.PublishNotReadyAddresses);
    }

    [Fact]
    public void Its_port_is_named_memcache_for_the_srv_records_and_targets_the_server_port()
    {
        var port = Assert.Single(Manifests.Service.Spec.Ports);
        // Kubernetes publishes _<port name>._<protocol>.<service> SRV records: _memcache._tcp.mycache-hoard...
        Assert.Equal("memcache", port.Name);
        Assert.Equal("TCP", port.Protocol);
        var container = PodTemplates.OnlyContainer(Manifests.Server.Spec.Template);
        var target = PodTemplates.ResolveTargetPort(container, port.TargetPort);
        Assert.True(target is not null, $"targetPort {port.TargetPort?.Value} is no port of the server container");
        Assert.Equal(port.Port, target!.ContainerPort);
    }

    [Fact]
    public void It_selects_the_server_pods_only()
    {
        Assert.True(PodTemplates.Selects(Manifests.Service.Spec.Selector, Manifests.Server.Spec.Template.Metadata.Labels));
        Assert.False(PodTemplates.Selects(Manifests.Service.Spec.Selector, Manifests.Router.Spec.Template.Metadata.Labels));
    }
}
