using Hoard.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace Hoard.Deploy.Tests.Kubernetes;

public sealed class ServerStatefulSetTests
{
    private static readonly KubernetesManifests Manifests = KubernetesManifests.Plain;
    private static readonly V1StatefulSet Server = Manifests.Server;
    private static readonly V1Container Container = PodTemplates.OnlyContainer(Server.Spec.Template);

    [Fact]
    public void Selector_matches_the_pod_labels_and_not_the_router_pods()
    {
        Assert.True(PodTemplates.Selects(Server.Spec.Selector.MatchLabels, Server.Spec.Template.Metadata.Labels));
        Assert.False(PodTemplates.Selects(Server.Spec.Selector.MatchLabels, Manifests.Router.Spec.Template.Metadata.Labels));
    }

    [Fact]
    public void Pods_have_predictable_names_under_the_headless_service()
    {
        Assert.Equal(Manifests.Service.Metadata.Name, Server.Spec.ServiceName);
        Assert.Equal(3, Server.Spec.Replicas);
        // Independent servers: no reason to start them one after another.
        Assert.Equal("Parallel", Server.Spec.PodManagementPolicy);
    }

    [Fact]
    public void The_server_listens_beyond_loopback_on_the_named_container_port()
    {
        var args = Container.Args;
        // hoard server listens on 127.0.0.1 unless told otherwise (docs/configuration.md).
        Assert.Equal("0.0.0.0", CommandLine.ValueOf(args, "-l"));
        var port = Assert.Single(Container.Ports);
        Assert.Equal("memcache", port.Name);
        Assert.Equal(CommandLine.IntValueOf(args, "-p"), port.ContainerPort);
        Assert.Equal("0", CommandLine.ValueOf(args, "-U"));
    }

    [Fact]
    public void Every_probe_speaks_version_to_the_server_port()
    {
        var serverPort = Assert.Single(Container.Ports).ContainerPort;
        foreach (var (probe, what) in new[] { (Container.StartupProbe, "startup probe"), (Container.ReadinessProbe, "readiness probe"), (Container.LivenessProbe, "liveness probe") })
        {
            var command = PodTemplates.ExecCommand(probe, what);
            Assert.Equal("hoard-probe", command[0]);
            Assert.True(serverPort == CommandLine.IntValueOf(command, "-p"), $"{what} checks port {CommandLine.ValueOf(command, "-p")}, the server listens on {serverPort}");
            Assert.True(probe!.TimeoutSeconds is >= 2, $"{what}: the probe waits up to 2 s for a reply; its timeout must be longer");
        }
    }

    [Fact]
    public void Item_memory_leaves_the_measured_head_room_under_the_memory_limit()
    {
        var limitMiB = PodTemplates.Bytes(Container.Resources.Limits["memory"]) / MemoryHeadroom.MiB;
        var cacheMiB = CommandLine.IntValueOf(Container.Args, "-m");
        Assert.True(cacheMiB + MemoryHeadroom.MeasuredOverheadMiB(cacheMiB) <= limitMiB,
            $"-m {cacheMiB} plus the measured overhead {MemoryHeadroom.MeasuredOverheadMiB(cacheMiB)} MiB exceeds the {limitMiB} MiB limit");
        Assert.Equal(MemoryHeadroom.ChartCacheMiB(limitMiB), cacheMiB);
        // Not much more than needed either: the memory is paid for.
        Assert.True(limitMiB - cacheMiB <= 128, $"{limitMiB - cacheMiB} MiB of head-room is more than the chart's rule gives");
    }

    [Fact]
    public void Memory_request_equals_the_limit_so_the_cache_is_not_the_first_evicted()
    {
        Assert.Equal(PodTemplates.Bytes(Container.Resources.Limits["memory"]), PodTemplates.Bytes(Container.Resources.Requests["memory"]));
    }

    [Fact]
    public void Pods_prefer_other_nodes_and_other_zones_than_their_peers()
    {
        var terms = Server.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution;
        Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], terms.Select(t => t.PodAffinityTerm.TopologyKey));
        Assert.True(terms[0].Weight > terms[1].Weight, "spreading over nodes matters more than over zones");
        foreach (var term in terms)
            Assert.True(PodTemplates.Selects(term.PodAffinityTerm.LabelSelector.MatchLabels, Server.Spec.Template.Metadata.Labels), "the anti-affinity term must select the server's own pods");
    }

    [Fact]
    public void Termination_sleeps_until_clients_rediscover_and_still_leaves_time_for_a_graceful_stop()
    {
        var preStop = Container.Lifecycle.PreStop.Exec.Command;
        Assert.Equal("sleep", preStop[0]);
        var sleep = int.Parse(preStop[1], System.Globalization.CultureInfo.InvariantCulture);
        // The client's and the router's DNS discovery re-resolve every 5 s by default.
        Assert.True(sleep >= 5, $"preStop sleeps {sleep} s, less than one discovery interval");
        Assert.True(Server.Spec.Template.Spec.TerminationGracePeriodSeconds - sleep >= 10,
            $"terminationGracePeriodSeconds {Server.Spec.Template.Spec.TerminationGracePeriodSeconds} leaves under 10 s after the {sleep} s preStop");
    }

    [Fact]
    public void Disruption_budget_selects_the_server_pods_and_allows_one_at_a_time()
    {
        var budget = Manifests.DisruptionBudget;
        Assert.True(PodTemplates.Selects(budget.Spec.Selector.MatchLabels, Server.Spec.Template.Metadata.Labels));
        Assert.False(PodTemplates.Selects(budget.Spec.Selector.MatchLabels, Manifests.Router.Spec.Template.Metadata.Labels));
        Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
        Assert.Null(budget.Spec.MinAvailable);
    }
}
