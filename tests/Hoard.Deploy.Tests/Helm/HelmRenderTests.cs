using Hoard.Deploy.Tests.Infrastructure;
using Hoard.Integration.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace Hoard.Deploy.Tests.Helm;

/// <summary>Renders the chart with helm, where helm is installed, and compares it with deploy/kubernetes.</summary>
public sealed class HelmRenderTests
{
    private static ChildProcess.Result Helm(params string[] arguments) =>
        ChildProcess.Run(HelmFactAttribute.Helm!, arguments, TimeSpan.FromMinutes(2), workingDirectory: Repository.Root);

    [HelmFact]
    public void The_chart_renders_with_its_defaults_to_exactly_the_plain_manifests()
    {
        var result = Helm("template", "mycache", Repository.ChartDirectory, "--namespace", "default");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rendered = Keyed(KubernetesManifests.FromText(result.Stdout, "helm template").Objects.Select(o => o.Object));
        var plain = Keyed(KubernetesManifests.Plain.Objects.Select(o => o.Object));
        Assert.Equal(plain.Keys.Order(StringComparer.Ordinal), rendered.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, yaml) in plain)
            Assert.True(yaml == rendered[key], $"{key} differs:\n--- helm template ---\n{rendered[key]}\n--- deploy/kubernetes ---\n{yaml}");
    }

    [HelmFact]
    public void The_chart_passes_helm_lint()
    {
        var result = Helm("lint", Repository.ChartDirectory, "--strict");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [HelmFact]
    public void Settings_that_cannot_work_together_fail_the_render_with_the_reason()
    {
        var routerWithAuth = Helm("template", "mycache", Repository.ChartDirectory, "--set", "auth.mode=ascii,auth.existingSecret=users");
        Assert.NotEqual(0, routerWithAuth.ExitCode);
        Assert.Contains("the router does not authenticate to servers", routerWithAuth.Stderr, StringComparison.Ordinal);
        var tooSmall = Helm("template", "mycache", Repository.ChartDirectory, "--set", "server.resources.limits.memory=64Mi");
        Assert.NotEqual(0, tooSmall.ExitCode);
        Assert.Contains("leaves -16Mi for items", tooSmall.Stderr, StringComparison.Ordinal);
        var wrongUnit = Helm("template", "mycache", Repository.ChartDirectory, "--set", "server.resources.limits.memory=1G");
        Assert.NotEqual(0, wrongUnit.ExitCode);
    }

    private static Dictionary<string, string> Keyed(IEnumerable<object> objects) =>
        objects.ToDictionary(
            o => $"{((IKubernetesObject)o).Kind}/{((IMetadata<V1ObjectMeta>)o).Metadata.Name}",
            KubernetesYaml.Serialize,
            StringComparer.Ordinal);
}
