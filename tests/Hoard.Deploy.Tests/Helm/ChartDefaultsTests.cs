using System.Globalization;
using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Helm;

/// <summary>
/// deploy/kubernetes is what the chart renders with its defaults: without helm to render it, the defaults in
/// values.yaml are checked against the plain manifests field by field (with helm, HelmRenderTests compares all).
/// </summary>
public sealed class ChartDefaultsTests
{
    private static readonly KubernetesManifests Manifests = KubernetesManifests.Plain;
    private static readonly System.Text.Json.Nodes.JsonObject Values = ChartValues.Defaults();

    private static T Value<T>(string path) => ChartValues.At(Values, path)!.GetValue<T>();

    private static string Text(long number) => number.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Server_defaults_are_the_plain_statefulset()
    {
        var container = PodTemplates.OnlyContainer(Manifests.Server.Spec.Template);
        Assert.Equal((int)Value<long>("server.replicas"), Manifests.Server.Spec.Replicas);
        Assert.Equal(Text(Value<long>("server.port")), CommandLine.ValueOf(container.Args, "-p"));
        Assert.Equal(Value<string>("server.listenAddress"), CommandLine.ValueOf(container.Args, "-l"));
        Assert.Equal(Text(Value<long>("server.threads")), CommandLine.ValueOf(container.Args, "-t"));
        Assert.Equal(Text(Value<long>("server.maxConnections")), CommandLine.ValueOf(container.Args, "-c"));
        Assert.Equal(new string('v', (int)Value<long>("server.verbosity")), container.Args.Single(a => a.StartsWith("-v", StringComparison.Ordinal))[1..]);
        Assert.Equal(Value<long>("server.terminationGracePeriodSeconds"), Manifests.Server.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Equal(Text(Value<long>("server.preStopSleepSeconds")), container.Lifecycle.PreStop.Exec.Command[1]);
        Assert.Equal($"{Value<string>("image.server.repository")}:{Kubernetes.ManifestLoadingTests.ChartAppVersion()}", container.Image);
        Assert.Equal(Value<string>("image.pullPolicy"), container.ImagePullPolicy);
        Assert.Equal(Value<long>("server.podDisruptionBudget.maxUnavailable").ToString(CultureInfo.InvariantCulture), Manifests.DisruptionBudget.Spec.MaxUnavailable.Value);
        Assert.Equal(Value<bool>("service.publishNotReadyAddresses"), Manifests.Service.Spec.PublishNotReadyAddresses);
    }

    [Fact]
    public void The_derived_item_memory_is_the_chart_rule_applied_to_the_default_limit()
    {
        Assert.Equal(0, Value<long>("server.cacheMemoryMB"));
        var limit = Value<string>("server.resources.limits.memory");
        Assert.Equal("1Gi", limit);
        var container = PodTemplates.OnlyContainer(Manifests.Server.Spec.Template);
        Assert.Equal(limit, container.Resources.Limits["memory"].ToString());
        Assert.Equal(Value<string>("server.resources.requests.memory"), container.Resources.Requests["memory"].ToString());
        Assert.Equal(Value<string>("server.resources.requests.cpu"), container.Resources.Requests["cpu"].ToString());
        Assert.Equal(Text(MemoryHeadroom.ChartCacheMiB(1024)), CommandLine.ValueOf(container.Args, "-m"));
    }

    [Theory]
    [InlineData(96, 16)]
    [InlineData(256, 160)]
    [InlineData(512, 384)]
    [InlineData(1024, 896)]
    [InlineData(4096, 3968)]
    public void The_chart_rule_leaves_at_least_the_measured_overhead_at_every_size(long limitMiB, long expectedCacheMiB)
    {
        var cacheMiB = MemoryHeadroom.ChartCacheMiB(limitMiB);
        Assert.Equal(expectedCacheMiB, cacheMiB);
        Assert.True(cacheMiB + MemoryHeadroom.MeasuredOverheadMiB(cacheMiB) <= limitMiB);
        // The template helper computes the same thing; its text is checked so the two cannot drift apart silently.
        var helpers = File.ReadAllText(Path.Combine(Repository.ChartDirectory, "templates", "_helpers.tpl"));
        Assert.Contains("{{- $blockCache := min 64 (max 16 (div $limit 8)) -}}", helpers, StringComparison.Ordinal);
        Assert.Contains("{{- $memory := sub $limit (add 64 $blockCache) -}}", helpers, StringComparison.Ordinal);
    }

    [Fact]
    public void Router_defaults_are_the_plain_daemonset_and_config()
    {
        var container = PodTemplates.OnlyContainer(Manifests.Router.Spec.Template);
        var port = Assert.Single(container.Ports);
        Assert.Equal(Value<long>("router.port"), port.ContainerPort);
        Assert.Equal((int)Value<long>("router.hostPort"), port.HostPort);
        Assert.Equal(Text(Value<long>("router.threads")), CommandLine.ValueOf(container.Args, "-t"));
        Assert.Equal($"{Value<string>("image.router.repository")}:{Kubernetes.ManifestLoadingTests.ChartAppVersion()}", container.Image);
        Assert.True(Value<bool>("router.enabled"));
        var config = Manifests.RouterConfig.Data["router.json"];
        Assert.Contains($".svc.{Value<string>("clusterDomain")}:{Value<long>("server.port")}?interval={Value<string>("router.discoveryInterval")}\"", config, StringComparison.Ordinal);
        Assert.Equal(Value<string>("router.resources.limits.memory"), container.Resources.Limits["memory"].ToString());
    }

    [Fact]
    public void Security_context_defaults_are_the_plain_pods()
    {
        foreach (var template in new[] { Manifests.Server.Spec.Template, Manifests.Router.Spec.Template })
        {
            var pod = template.Spec.SecurityContext;
            Assert.Equal(Value<bool>("podSecurityContext.runAsNonRoot"), pod.RunAsNonRoot);
            Assert.Equal(Value<long>("podSecurityContext.runAsUser"), pod.RunAsUser);
            Assert.Equal(Value<long>("podSecurityContext.fsGroup"), pod.FsGroup);
            var container = PodTemplates.OnlyContainer(template).SecurityContext;
            Assert.Equal(Value<bool>("containerSecurityContext.readOnlyRootFilesystem"), container.ReadOnlyRootFilesystem);
            Assert.Equal(Value<bool>("containerSecurityContext.allowPrivilegeEscalation"), container.AllowPrivilegeEscalation);
        }
    }
}
