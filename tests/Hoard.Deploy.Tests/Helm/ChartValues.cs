using System.Text.Json.Nodes;
using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Helm;

/// <summary>The chart's values.yaml as JSON (the types Helm gives them), and paths into it.</summary>
internal static class ChartValues
{
    public static string ValuesPath => Path.Combine(Repository.ChartDirectory, "values.yaml");

    public static string SchemaPath => Path.Combine(Repository.ChartDirectory, "values.schema.json");

    /// <summary>A fresh copy of the default values (tests mutate it).</summary>
    public static JsonObject Defaults() => YamlJson.Load(ValuesPath)!.AsObject();

    /// <summary>The node at a dotted path such as <c>server.resources.limits.memory</c>, or null.</summary>
    public static JsonNode? At(JsonNode root, string dottedPath)
    {
        JsonNode? node = root;
        foreach (var key in dottedPath.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out node))
                return null;
        }
        return node;
    }

    public static bool Has(JsonNode root, string dottedPath)
    {
        JsonNode? node = root;
        foreach (var key in dottedPath.Split('.'))
        {
            if (node is not JsonObject obj || !obj.ContainsKey(key))
                return false;
            node = obj[key];
        }
        return true;
    }

    /// <summary>Dotted paths of every leaf (scalar, list, or empty map) of the values.</summary>
    public static IEnumerable<string> Leaves(JsonNode? node, string prefix = "")
    {
        if (node is JsonObject { Count: > 0 } obj)
        {
            foreach (var (key, child) in obj)
            {
                foreach (var leaf in Leaves(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                    yield return leaf;
            }
        }
        else
        {
            yield return prefix;
        }
    }
}
