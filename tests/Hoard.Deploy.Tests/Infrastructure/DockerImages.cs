using System.Globalization;
using System.Text.RegularExpressions;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>The Dockerfiles of deploy/docker and facts read from them.</summary>
public static partial class DockerImages
{
    public static Dockerfile Server { get; } = Dockerfile.Load(Path.Combine(Repository.DockerDirectory, "Dockerfile.server"));

    public static Dockerfile Router { get; } = Dockerfile.Load(Path.Combine(Repository.DockerDirectory, "Dockerfile.router"));

    public static Dockerfile Movies { get; } = Dockerfile.Load(Path.Combine(Repository.DockerDirectory, "Dockerfile.movies"));

    public static Dockerfile ByName(string name) => name switch
    {
        "server" => Server,
        "router" => Router,
        "movies" => Movies,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "server, router or movies"),
    };

    /// <summary>The one port the final stage exposes.</summary>
    public static int ExposedPort(Dockerfile dockerfile)
    {
        var expose = dockerfile.FinalStage.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Words).ToList();
        Assert.True(expose.Count == 1, $"{dockerfile.Name} exposes {expose.Count} ports, expected one");
        return int.Parse(expose[0].Split('/')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The ENV variables the final stage sets (<c>KEY=value</c> pairs, quotes removed).</summary>
    public static IReadOnlyDictionary<string, string> Environment(Dockerfile dockerfile)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in dockerfile.FinalStage.Where(i => i.Keyword == "ENV"))
        {
            foreach (Match pair in EnvPair().Matches(env.Arguments))
                variables[pair.Groups["key"].Value] = pair.Groups["quoted"].Success ? pair.Groups["quoted"].Value : pair.Groups["plain"].Value;
        }
        return variables;
    }

    [GeneratedRegex("(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:\"(?<quoted>[^\"]*)\"|(?<plain>\\S*))")]
    private static partial Regex EnvPair();
}
