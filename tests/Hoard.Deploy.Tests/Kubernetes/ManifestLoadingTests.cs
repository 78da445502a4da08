using System.Text.RegularExpressions;
using Hoard.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace Hoard.Deploy.Tests.Kubernetes;

public sealed partial class ManifestLoadingTests
{
    private static readonly KubernetesManifests Manifests = KubernetesManifests.Plain;

    [Fact]
    public void Every_plain_manifest_loads_into_typed_objects_of_the_expected_kinds()
    {
        var kinds = Manifests.Objects.Select(o => o.Object.GetType().Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["V1ConfigMap", "V1DaemonSet", "V1PodDisruptionBudget", "V1Service", "V1StatefulSet"], kinds);
    }

    [Fact]
    public void Every_object_is_named_for_release_mycache_and_leaves_the_namespace_to_kubectl()
    {
        foreach (var (file, item) in Manifests.Objects)
        {
            var metadata = ((IMetadata<V1ObjectMeta>)item).Metadata;
            Assert.True(metadata.Name.StartsWith("mycache-hoard", StringComparison.Ordinal), $"{file}: {metadata.Name}");
            Assert.Null(metadata.NamespaceProperty);
        }
    }

    [Fact]
    public void Every_object_carries_the_chart_labels_with_the_chart_app_version()
    {
        var appVersion = ChartAppVersion();
        foreach (var (file, item) in Manifests.Objects)
        {
            var labels = ((IMetadata<V1ObjectMeta>)item).Metadata.Labels;
            Assert.Equal("hoard", labels["app.kubernetes.io/name"]);
            Assert.Equal("mycache", labels["app.kubernetes.io/instance"]);
            Assert.Contains(labels["app.kubernetes.io/component"], (string[])["server", "router"]);
            Assert.True(appVersion == labels["app.kubernetes.io/version"], $"{file}: version label {labels["app.kubernetes.io/version"]}, chart appVersion {appVersion}");
        }
    }

    [Fact]
    public void Images_are_tagged_with_the_chart_app_version_which_is_the_build_version()
    {
        var appVersion = ChartAppVersion();
        var buildVersion = VersionPattern().Match(Repository.Read("Directory.Build.props")).Groups[1].Value;
        Assert.Equal(buildVersion, appVersion);
        Assert.Equal($"hoard-server:{appVersion}", PodTemplates.OnlyContainer(Manifests.Server.Spec.Template).Image);
        Assert.Equal($"hoard-router:{appVersion}", PodTemplates.OnlyContainer(Manifests.Router.Spec.Template).Image);
    }

    [Fact]
    public void The_loader_refuses_a_misspelt_field_naming_the_file()
    {
        const string Yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: x
            spec:
              clusterIp: None
            """;
        var error = Assert.Throws<InvalidDataException>(() => KubernetesManifests.Load(Yaml, "typo.yaml"));
        Assert.Contains("typo.yaml", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: [unclosed")]
    [InlineData("apiVersion: v1\nkind: NoSuchKind\nmetadata:\n  name: x\n")]
    [InlineData("just text")]
    public void The_loader_refuses_garbage_naming_the_file(string yaml)
    {
        var error = Assert.Throws<InvalidDataException>(() => KubernetesManifests.Load(yaml, "garbage.yaml"));
        Assert.StartsWith("garbage.yaml: not loadable as Kubernetes objects", error.Message, StringComparison.Ordinal);
    }

    internal static string ChartAppVersion() =>
        YamlJson.Load(Path.Combine(Repository.ChartDirectory, "Chart.yaml"))!["appVersion"]!.GetValue<string>();

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionPattern();
}
