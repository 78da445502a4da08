using k8s.Models;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>Questions the tests ask of pod templates and label selectors.</summary>
public static class PodTemplates
{
    /// <summary>Whether every label of <paramref name="selector"/> is on <paramref name="labels"/> with the same value.</summary>
    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    public static V1Container OnlyContainer(V1PodTemplateSpec template)
    {
        Assert.NotNull(template.Spec.Containers);
        return Assert.Single(template.Spec.Containers);
    }

    /// <summary>The container port a Service's targetPort names, by name or by number.</summary>
    public static V1ContainerPort? ResolveTargetPort(V1Container container, IntOrString? targetPort)
    {
        var value = targetPort?.Value;
        if (value is null)
            return null;
        return container.Ports?.FirstOrDefault(p => p.Name == value || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == value);
    }

    /// <summary>The command of an exec probe (a probe of another kind fails the test: it would not speak the protocol).</summary>
    public static IList<string> ExecCommand(V1Probe? probe, string what)
    {
        Assert.True(probe is not null, $"{what} is missing");
        Assert.True(probe!.Exec?.Command is { Count: > 0 }, $"{what} is not an exec probe: a TCP or HTTP check would not speak the memcached protocol");
        return probe.Exec!.Command;
    }

    /// <summary>Bytes of a memory quantity ("1Gi", "256Mi").</summary>
    public static long Bytes(ResourceQuantity quantity) => quantity.ToInt64();
}
