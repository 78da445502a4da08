using System.Text.Json;
using Hoard.Client.Discovery;
using Hoard.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace Hoard.Deploy.Tests.Kubernetes;

public sealed class RouterDaemonSetTests
{
    private static readonly KubernetesManifests Manifests = KubernetesManifests.Plain;
    private static readonly V1DaemonSet Router = Manifests.Router;
    private static readonly V1Container Container = PodTemplates.OnlyContainer(Router.Spec.Template);

    [Fact]
    public void Selector_matches_the_pod_labels_and_not_the_server_pods()
    {
        Assert.True(PodTemplates.Selects(Router.Spec.Selector.MatchLabels, Router.Spec.Template.Metadata.Labels));
        Assert.False(PodTemplates.Selects(Router.Spec.Selector.MatchLabels, Manifests.Server.Spec.Template.Metadata.Labels));
    }

    [Fact]
    public void The_router_is_on_each_node_at_host_port_5000()
    {
        var port = Assert.Single(Container.Ports);
        Assert.Equal(5000, port.HostPort);
        Assert.Equal(5000, port.ContainerPort);
        Assert.Equal(port.ContainerPort, CommandLine.IntValueOf(Container.Args, "-p"));
        Assert.Equal("TCP", port.Protocol);
    }

    [Fact]
    public void NODE_NAME_comes_from_the_downward_api()
    {
        var variable = Assert.Single(Container.Env, e => e.Name == "NODE_NAME");
        Assert.Equal("spec.nodeName", variable.ValueFrom.FieldRef.FieldPath);
    }

    [Fact]
    public void Every_probe_speaks_version_to_the_router_port()
    {
        var routerPort = Assert.Single(Container.Ports).ContainerPort;
        foreach (var (probe, what) in new[] { (Container.StartupProbe, "startup probe"), (Container.ReadinessProbe, "readiness probe"), (Container.LivenessProbe, "liveness probe") })
        {
            var command = PodTemplates.ExecCommand(probe, what);
            Assert.Equal("hoard-probe", command[0]);
            Assert.Equal(routerPort, CommandLine.IntValueOf(command, "-p"));
        }
    }

    [Fact]
    public void The_config_file_is_a_key_of_the_config_map_mounted_as_a_directory()
    {
        var configPath = CommandLine.ValueOf(Container.Args, "--config");
        Assert.NotNull(configPath);
        var mount = Assert.Single(Container.VolumeMounts, m => configPath!.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        // A subPath mount never sees the kubelet's update of a ConfigMap; a directory mount does, and the router reloads.
        Assert.Null(mount.SubPath);
        var volume = Assert.Single(Router.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal(Manifests.RouterConfig.Metadata.Name, volume.ConfigMap.Name);
        var key = configPath![(mount.MountPath.TrimEnd('/').Length + 1)..];
        Assert.True(Manifests.RouterConfig.Data.ContainsKey(key), $"the ConfigMap has no key {key}");
    }

    [Fact]
    public void The_delete_log_is_written_to_a_volume_because_the_root_file_system_is_read_only()
    {
        var deleteLog = CommandLine.ValueOf(Container.Args, "--delete-log");
        Assert.NotNull(deleteLog);
        var mount = Assert.Single(Container.VolumeMounts, m => deleteLog!.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.NotEqual(true, mount.ReadOnlyProperty);
        var volume = Assert.Single(Router.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        Assert.NotNull(volume.EmptyDir);
        Assert.Equal(true, Container.SecurityContext.ReadOnlyRootFilesystem);
    }

    [Fact]
    public void The_router_pool_discovers_the_headless_service_by_its_dns_name_and_port()
    {
        using var config = JsonDocument.Parse(Manifests.RouterConfig.Data["router.json"]);
        var root = config.RootElement;
        var route = root.GetProperty("route").GetString()!;
        Assert.StartsWith("PoolRoute|", route, StringComparison.Ordinal);
        var pool = root.GetProperty("pools").GetProperty(route["PoolRoute|".Length..]);

        var spec = DiscoverySpec.Parse(pool.GetProperty("discovery").GetString()!);
        var service = Manifests.Service;
        Assert.Equal(DiscoveryKind.Dns, spec.Kind);
        Assert.Equal($"{service.Metadata.Name}.default.svc.cluster.local", spec.Target);
        Assert.Equal(Assert.Single(service.Spec.Ports).Port, spec.Port);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.Interval);
    }
}
