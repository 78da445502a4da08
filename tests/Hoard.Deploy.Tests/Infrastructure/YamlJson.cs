using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// YAML (one document) as a JSON tree, with YAML 1.2's core schema for plain scalars: <c>true</c>/<c>false</c>,
/// <c>null</c>/<c>~</c>, integers and floats become JSON values of those types; quoted scalars stay strings.
/// Merge keys (<c>&lt;&lt;: *anchor</c>, as compose files use) are applied. This is how Helm and Compose see
/// the types of values, which is what a schema checks.
/// </summary>
public static partial class YamlJson
{
    /// <exception cref="InvalidDataException">The text is not YAML, holds no document, holds several, or has a key that is not a scalar.</exception>
    public static JsonNode? Parse(string yaml, string origin)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(new StringReader(yaml))));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{origin}: not YAML: {e.Message}", e);
        }
        if (stream.Documents.Count != 1)
            throw new InvalidDataException($"{origin}: expected one YAML document, found {stream.Documents.Count}");
        return Convert(stream.Documents[0].RootNode, origin);
    }

    public static JsonNode? Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    private static JsonNode? Convert(YamlNode node, string origin)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new InvalidDataException($"{origin} line {key.Start.Line}: a mapping key that is not a scalar");
                    if (obj.ContainsKey(name))
                        throw new InvalidDataException($"{origin} line {key.Start.Line}: key '{name}' appears twice");
                    obj[name] = Convert(value, origin);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                    array.Add(Convert(item, origin));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidDataException($"{origin} line {node.Start.Line}: unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
