using k8s;
using k8s.Models;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// The objects of deploy/kubernetes (or of any YAML text), loaded by the official client's loader into its
/// typed models, strictly: a misspelt field is an error, not a silently ignored key.
/// </summary>
public sealed class KubernetesManifests
{
    private KubernetesManifests(IReadOnlyList<(string File, object Object)> objects) => Objects = objects;

    /// <summary>Every object with the file it came from.</summary>
    public IReadOnlyList<(string File, object Object)> Objects { get; }

    /// <summary>The plain manifests: deploy/kubernetes/*.yaml (not the examples below it).</summary>
    public static KubernetesManifests Plain { get; } = LoadDirectory(Repository.KubernetesDirectory);

    public static KubernetesManifests LoadDirectory(string directory)
    {
        var objects = new List<(string, object)>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var item in Load(File.ReadAllText(file), Path.GetFileName(file)))
                objects.Add((Path.GetFileName(file), item));
        }
        return new KubernetesManifests(objects);
    }

    public static KubernetesManifests FromText(string yaml, string origin) =>
        new(Load(yaml, origin).Select(o => (origin, o)).ToList());

    /// <summary>Loads every document of <paramref name="yaml"/>; empty documents (a lone <c>---</c>) are skipped.</summary>
    public static IReadOnlyList<object> Load(string yaml, string origin)
    {
        try
        {
            return KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true).Where(o => o is not null).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{origin}: not loadable as Kubernetes objects: {e.Message}", e);
        }
    }

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Object).OfType<T>();

    public T Single<T>() where T : IKubernetesObject<V1ObjectMeta>
    {
        var found = All<T>().ToList();
        Assert.True(found.Count == 1, $"expected one {typeof(T).Name} in the manifests, found {found.Count}");
        return found[0];
    }

    public V1StatefulSet Server => Single<V1StatefulSet>();

    public V1Service Service => Single<V1Service>();

    public V1PodDisruptionBudget DisruptionBudget => Single<V1PodDisruptionBudget>();

    public V1DaemonSet Router => Single<V1DaemonSet>();

    public V1ConfigMap RouterConfig => Single<V1ConfigMap>();
}
