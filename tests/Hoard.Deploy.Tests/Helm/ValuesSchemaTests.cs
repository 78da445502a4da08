using System.Text.Json.Nodes;
using NJsonSchema;

namespace Hoard.Deploy.Tests.Helm;

/// <summary>
/// values.schema.json is what Helm checks values against before rendering (install, upgrade, template, lint).
/// Checked here with NJsonSchema: the schema loads, the chart's own defaults pass, and wrong values fail at
/// the right place.
/// </summary>
public sealed class ValuesSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromJsonAsync(File.ReadAllText(ChartValues.SchemaPath)).GetAwaiter().GetResult();

    private static ICollection<NJsonSchema.Validation.ValidationError> Validate(JsonNode values) => Schema.Validate(values.ToJsonString());

    [Fact]
    public void The_schema_is_draft_07_and_describes_an_object_that_allows_no_unknown_keys()
    {
        var schema = JsonNode.Parse(File.ReadAllText(ChartValues.SchemaPath))!;
        Assert.Equal("http://json-schema.org/draft-07/schema#", schema["$schema"]!.GetValue<string>());
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        // Every required key has a definition, at every level.
        AssertRequiredKeysAreDefined(schema, "(root)");
    }

    [Fact]
    public void The_default_values_satisfy_the_schema()
    {
        var errors = Validate(ChartValues.Defaults());
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void Every_default_value_is_described_by_the_schema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(ChartValues.SchemaPath))!;
        foreach (var leaf in ChartValues.Leaves(ChartValues.Defaults()))
            Assert.True(Describes(schema, leaf), $"values.yaml {leaf} is not described by values.schema.json");
    }

    public static TheoryData<string, string, string> WrongValues => new()
    {
        { "server.replicas", "\"three\"", "server.replicas" },
        { "server.replicas", "0", "server.replicas" },
        { "server.port", "70000", "server.port" },
        { "server.resources.limits.memory", "\"1GB\"", "server.resources.limits.memory" },
        { "server.resources.limits.memory", "\"1.5Gi\"", "server.resources.limits.memory" },
        { "server.antiAffinity.zone", "\"sometimes\"", "server.antiAffinity.zone" },
        { "auth.mode", "\"kerberos\"", "auth.mode" },
        { "tls.enabled", "\"yes\"", "tls.enabled" },
        { "router.discoveryInterval", "\"soon\"", "router.discoveryInterval" },
        { "server.verbosity", "4", "server.verbosity" },
        { "server.replicaCount", "3", "server.replicaCount" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public void A_wrong_value_is_refused_at_its_path(string path, string json, string errorPath)
    {
        var values = ChartValues.Defaults();
        var parentPath = path[..path.LastIndexOf('.')];
        var parent = ChartValues.At(values, parentPath)!.AsObject();
        parent[path[(path.LastIndexOf('.') + 1)..]] = JsonNode.Parse(json);
        var errors = Flatten(Validate(values)).ToList();
        Assert.True(errors.Any(e => e.Path is not null && e.Path.TrimStart('#', '/').Replace('/', '.') == errorPath),
            $"no error at {errorPath}; errors: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
    }

    [Fact]
    public void A_missing_required_value_is_refused()
    {
        var values = ChartValues.Defaults();
        values["server"]!.AsObject().Remove("port");
        Assert.Contains(Flatten(Validate(values)), e => e.Kind == NJsonSchema.Validation.ValidationErrorKind.PropertyRequired && e.Property == "port");
    }

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors)
    {
        foreach (var error in errors)
        {
            yield return error;
            if (error is NJsonSchema.Validation.ChildSchemaValidationError child)
            {
                foreach (var nested in Flatten(child.Errors.SelectMany(e => e.Value)))
                    yield return nested;
            }
        }
    }

    private static JsonNode? Resolve(JsonNode schema, JsonNode? node)
    {
        var reference = node?["$ref"]?.GetValue<string>();
        if (reference is null)
            return node;
        Assert.StartsWith("#/definitions/", reference, StringComparison.Ordinal);
        return schema["definitions"]![reference["#/definitions/".Length..]];
    }

    /// <summary>Whether the schema says what the value at <paramref name="dottedPath"/> is.</summary>
    private static bool Describes(JsonNode schema, string dottedPath)
    {
        JsonNode? node = schema;
        foreach (var key in dottedPath.Split('.'))
        {
            node = Resolve(schema, node);
            if (node?["properties"]?[key] is JsonNode property)
                node = property;
            else if (node?["additionalProperties"] is JsonObject additional)
                node = additional;
            else
                // A free-form object (nodeSelector, securityContext) describes whatever is below it.
                return node?["type"]?.ToString() == "object" && node["properties"] is null && node["additionalProperties"] is null;
        }
        return node is not null;
    }

    private static void AssertRequiredKeysAreDefined(JsonNode schema, string where)
    {
        foreach (var node in Walk(schema))
        {
            if (node["required"] is not JsonArray required)
                continue;
            var properties = node["properties"]?.AsObject();
            foreach (var key in required.Select(k => k!.GetValue<string>()))
                Assert.True(properties?.ContainsKey(key) == true, $"{where}: required key {key} has no property definition");
        }
    }

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach (var (_, child) in obj)
            {
                foreach (var nested in Walk(child))
                    yield return nested;
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                foreach (var nested in Walk(item))
                    yield return nested;
            }
        }
    }
}
