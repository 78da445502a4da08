using Hoard.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace Hoard.Deploy.Tests.Kubernetes;

/// <summary>deploy/kubernetes/examples/movies.yaml: the sample app using the router on its own node.</summary>
public sealed class ExampleManifestTests
{
    private static readonly KubernetesManifests Examples = KubernetesManifests.LoadDirectory(Path.Combine(Repository.KubernetesDirectory, "examples"));

    internal static V1Deployment Movies => Examples.All<V1Deployment>().Single();

    private static V1Container Container => PodTemplates.OnlyContainer(Movies.Spec.Template);

    [Fact]
    public void The_app_reaches_the_router_on_its_own_node_through_the_host_ip()
    {
        var env = Container.Env;
        var hostIp = Assert.Single(env, e => e.Name == "HOST_IP");
        Assert.Equal("status.hostIP", hostIp.ValueFrom.FieldRef.FieldPath);
        Assert.Equal("spec.nodeName", Assert.Single(env, e => e.Name == "NODE_NAME").ValueFrom.FieldRef.FieldPath);
        var routerHostPort = Assert.Single(PodTemplates.OnlyContainer(KubernetesManifests.Plain.Router.Spec.Template).Ports).HostPort;
        // $(HOST_IP) is expanded by Kubernetes because HOST_IP is defined before it.
        var servers = Assert.Single(env, e => e.Name == "Hoard__Servers__0");
        Assert.Equal($"$(HOST_IP):{routerHostPort}", servers.Value);
        Assert.True(env.IndexOf(hostIp) < env.IndexOf(servers));
    }

    [Fact]
    public void The_app_is_probed_on_its_health_endpoint_at_the_port_its_image_exposes()
    {
        var port = Assert.Single(Container.Ports);
        Assert.Equal(DockerImages.ExposedPort(DockerImages.Movies), port.ContainerPort);
        foreach (var probe in new[] { Container.ReadinessProbe, Container.LivenessProbe })
        {
            Assert.Equal("/health", probe.HttpGet.Path);
            Assert.Equal(port.Name, probe.HttpGet.Port.Value);
        }
    }

    [Fact]
    public void The_service_selects_the_app_pods_and_targets_the_named_port()
    {
        var service = Examples.All<V1Service>().Single();
        Assert.True(PodTemplates.Selects(service.Spec.Selector, Movies.Spec.Template.Metadata.Labels));
        Assert.True(PodTemplates.Selects(Movies.Spec.Selector.MatchLabels, Movies.Spec.Template.Metadata.Labels));
        Assert.NotNull(PodTemplates.ResolveTargetPort(Container, Assert.Single(service.Spec.Ports).TargetPort));
    }
}
