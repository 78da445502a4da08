using System.Text.RegularExpressions;
using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Helm;

/// <summary>
/// What can be known of the templates without rendering them: every value they read exists in values.yaml,
/// every value in values.yaml is read, every included template is defined, and each template has its plain
/// manifest in deploy/kubernetes.
/// </summary>
public sealed partial class ChartTemplateTests
{
    private static readonly string TemplatesDirectory = Path.Combine(Repository.ChartDirectory, "templates");

    private static IEnumerable<(string File, string Text)> Templates() =>
        Directory.GetFiles(TemplatesDirectory).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    private static IReadOnlyList<(string File, string Path)> ValueReferences() =>
        Templates().SelectMany(t => ValueReference().Matches(t.Text).Select(m => (t.File, m.Groups[1].Value))).ToList();

    [Fact]
    public void Every_value_a_template_reads_exists_in_values_yaml()
    {
        var values = ChartValues.Defaults();
        var references = ValueReferences();
        Assert.NotEmpty(references);
        foreach (var (file, path) in references)
            Assert.True(ChartValues.Has(values, path), $"{file} reads .Values.{path}, which values.yaml does not define");
    }

    [Fact]
    public void Every_value_in_values_yaml_is_read_by_a_template()
    {
        var read = ValueReferences().Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var leaf in ChartValues.Leaves(ChartValues.Defaults()))
        {
            // Reading a map (toYaml .Values.server.resources) reads everything below it.
            var prefixes = leaf.Split('.').Select((_, i) => string.Join('.', leaf.Split('.').Take(i + 1)));
            Assert.True(prefixes.Any(read.Contains), $"values.yaml {leaf} is read by no template: a setting that does nothing");
        }
    }

    [Fact]
    public void Every_included_template_is_defined()
    {
        var defined = Templates().SelectMany(t => Define().Matches(t.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, text) in Templates())
        {
            foreach (Match include in Include().Matches(text))
                Assert.True(defined.Contains(include.Groups[1].Value), $"{file} includes \"{include.Groups[1].Value}\", which no template defines");
        }
    }

    [Fact]
    public void Template_actions_are_balanced()
    {
        foreach (var (file, text) in Templates())
        {
            Assert.True(text.Split("{{").Length == text.Split("}}").Length, $"{file}: unbalanced {{{{ }}}}");
            var opened = BlockOpen().Matches(text).Count;
            var closed = BlockEnd().Matches(text).Count;
            Assert.True(opened == closed, $"{file}: {opened} if/with/range/define blocks, {closed} ends");
        }
    }

    [Fact]
    public void Each_manifest_template_has_its_plain_manifest_of_the_same_kind()
    {
        foreach (var (file, text) in Templates().Where(t => t.File.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            var kind = KindLine().Match(text).Groups[1].Value;
            var plain = Path.Combine(Repository.KubernetesDirectory, file);
            Assert.True(File.Exists(plain), $"templates/{file} has no deploy/kubernetes/{file}");
            Assert.Equal(kind, KindLine().Match(File.ReadAllText(plain)).Groups[1].Value);
        }
    }

    [Fact]
    public void The_chart_is_a_helm_3_application_chart_of_the_build_version()
    {
        var chart = YamlJson.Load(Path.Combine(Repository.ChartDirectory, "Chart.yaml"))!;
        Assert.Equal("v2", chart["apiVersion"]!.GetValue<string>());
        Assert.Equal("hoard", chart["name"]!.GetValue<string>());
        Assert.Equal("application", chart["type"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+$", chart["version"]!.GetValue<string>());
        Assert.Equal(Kubernetes.ManifestLoadingTests.ChartAppVersion(), chart["appVersion"]!.GetValue<string>());
    }

    [GeneratedRegex(@"\$?\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValueReference();

    [GeneratedRegex(@"\{\{-?\s*define\s+""([^""]+)""")]
    private static partial Regex Define();

    [GeneratedRegex(@"include\s+""([^""]+)""")]
    private static partial Regex Include();

    [GeneratedRegex(@"\{\{-?\s*(?:if|with|range|define)\b")]
    private static partial Regex BlockOpen();

    [GeneratedRegex(@"\{\{-?\s*end\s*-?\}\}")]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"(?m)^kind:\s*(\S+)")]
    private static partial Regex KindLine();
}
