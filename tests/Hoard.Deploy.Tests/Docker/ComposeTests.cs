using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hoard.Client.Discovery;
using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Docker;

/// <summary>deploy/docker/compose.yaml (and compose.sakila.yaml), read with YamlDotNet as Compose reads them.</summary>
public sealed partial class ComposeTests
{
    private static readonly JsonObject Compose = YamlJson.Load(Path.Combine(Repository.DockerDirectory, "compose.yaml"))!.AsObject();
    private static readonly JsonObject Services = Compose["services"]!.AsObject();
    private static readonly string[] ServerServices = ["hoard-1", "hoard-2", "hoard-3"];

    [Fact]
    public void It_runs_three_servers_a_router_the_sample_app_and_mariadb()
    {
        Assert.Equal(["hoard-1", "hoard-2", "hoard-3", "mariadb", "movies", "router"], Services.Select(s => s.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("hoard-1", "Dockerfile.server")]
    [InlineData("router", "Dockerfile.router")]
    [InlineData("movies", "Dockerfile.movies")]
    public void Images_are_built_from_the_repository_root_with_the_deploy_dockerfiles(string service, string dockerfile)
    {
        var build = Services[service]!["build"]!;
        var context = Path.GetFullPath(Path.Combine(Repository.DockerDirectory, build["context"]!.GetValue<string>()));
        Assert.Equal(Repository.Root.TrimEnd('/'), context.TrimEnd('/'));
        Assert.Equal($"deploy/docker/{dockerfile}", build["dockerfile"]!.GetValue<string>());
        Assert.True(File.Exists(Repository.PathOf($"deploy/docker/{dockerfile}")));
    }

    [Fact]
    public void Published_ports_reach_the_ports_the_images_expose_and_only_on_loopback()
    {
        var expected = new Dictionary<string, int>
        {
            ["hoard-1"] = DockerImages.ExposedPort(DockerImages.Server),
            ["hoard-2"] = DockerImages.ExposedPort(DockerImages.Server),
            ["hoard-3"] = DockerImages.ExposedPort(DockerImages.Server),
            ["router"] = DockerImages.ExposedPort(DockerImages.Router),
            ["movies"] = DockerImages.ExposedPort(DockerImages.Movies),
        };
        var hostPorts = new HashSet<int>();
        foreach (var (service, containerPort) in expected)
        {
            var mapping = Assert.Single(Services[service]!["ports"]!.AsArray())!.GetValue<string>().Split(':');
            // Unauthenticated caches: published for this machine only.
            Assert.Equal("127.0.0.1", mapping[0]);
            Assert.True(hostPorts.Add(int.Parse(mapping[1], CultureInfo.InvariantCulture)), $"{service} reuses host port {mapping[1]}");
            Assert.Equal(containerPort, int.Parse(mapping[2], CultureInfo.InvariantCulture));
        }
        Assert.Null(Services["mariadb"]!["ports"]);
    }

    [Fact]
    public void Servers_listen_beyond_loopback_with_item_memory_below_their_memory_limit()
    {
        foreach (var service in ServerServices)
        {
            var command = Services[service]!["command"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            Assert.Equal("0.0.0.0", CommandLine.ValueOf(command, "-l"));
            Assert.Equal(DockerImages.ExposedPort(DockerImages.Server), CommandLine.IntValueOf(command, "-p"));
            var limit = Services[service]!["mem_limit"]!.GetValue<string>();
            Assert.EndsWith("m", limit, StringComparison.Ordinal);
            var limitMiB = long.Parse(limit[..^1], CultureInfo.InvariantCulture);
            var cacheMiB = CommandLine.IntValueOf(command, "-m");
            Assert.True(cacheMiB + MemoryHeadroom.MeasuredOverheadMiB(cacheMiB) <= limitMiB, $"{service}: -m {cacheMiB} does not fit mem_limit {limit} with head-room");
        }
    }

    [Fact]
    public void Dependencies_name_existing_services_that_have_health_checks()
    {
        foreach (var (name, service) in Services)
        {
            if (service!["depends_on"] is not JsonObject dependsOn)
                continue;
            foreach (var (dependency, condition) in dependsOn)
            {
                Assert.True(Services.ContainsKey(dependency), $"{name} depends on unknown service {dependency}");
                Assert.Equal("service_healthy", condition!["condition"]!.GetValue<string>());
                Assert.True(HasHealthCheck(dependency), $"{name} waits for {dependency} to be healthy, but {dependency} has no health check");
            }
        }
        Assert.Equal(["hoard-1", "hoard-2", "hoard-3"], Services["router"]!["depends_on"]!.AsObject().Select(d => d.Key));
    }

    [Fact]
    public void The_router_pool_is_the_dns_alias_every_server_answers_to()
    {
        var command = Services["router"]!["command"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var configPath = CommandLine.ValueOf(command, "--config")!;
        var volume = RouterVolumes().Single(v => configPath.StartsWith(v[1] + "/", StringComparison.Ordinal));
        var hostDirectory = Path.GetFullPath(Path.Combine(Repository.DockerDirectory, volume[0]));
        Assert.True(Directory.Exists(hostDirectory), $"{volume[0]} does not exist");
        var configFile = Path.Combine(hostDirectory, configPath[(volume[1].Length + 1)..]);

        using var config = JsonDocument.Parse(File.ReadAllText(configFile));
        var route = config.RootElement.GetProperty("route").GetString()!;
        var pool = config.RootElement.GetProperty("pools").GetProperty(route["PoolRoute|".Length..]);
        var spec = DiscoverySpec.Parse(pool.GetProperty("discovery").GetString()!);
        Assert.Equal(DiscoveryKind.Dns, spec.Kind);
        Assert.Equal(DockerImages.ExposedPort(DockerImages.Server), spec.Port);
        foreach (var service in ServerServices)
        {
            var aliases = Services[service]!["networks"]!["default"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>());
            Assert.Contains(spec.Target, aliases);
        }
    }

    [Fact]
    public void The_router_delete_log_is_on_a_named_volume_the_image_prepares_for_its_user()
    {
        var command = Services["router"]!["command"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var deleteLog = CommandLine.ValueOf(command, "--delete-log");
        Assert.NotNull(deleteLog);
        var directory = deleteLog![..deleteLog.LastIndexOf('/')];
        var volume = RouterVolumes().Single(v => v[1] == directory);
        Assert.True(Compose["volumes"]!.AsObject().ContainsKey(volume[0]), $"{volume[0]} is not a named volume");
        // A new named volume takes the ownership of the image's directory: the image makes it the app user's.
        var user = DockerImages.Router.FinalStage.Last(i => i.Keyword == "USER").Arguments;
        Assert.Contains(DockerImages.Router.FinalStage, i => i.Keyword == "COPY" && i.Flags.GetValueOrDefault("chown") == $"{user}:{user}" && i.Words[^1] == directory);
    }

    [Fact]
    public void The_app_goes_through_the_router_and_the_sakila_overlay_points_it_at_mariadb()
    {
        var environment = Services["movies"]!["environment"]!;
        var routerPort = DockerImages.ExposedPort(DockerImages.Router);
        Assert.Equal($"router:{routerPort}", environment["Hoard__Servers__0"]!.GetValue<string>());

        var overlay = YamlJson.Load(Path.Combine(Repository.DockerDirectory, "compose.sakila.yaml"))!["services"]!;
        var mariadb = Services["mariadb"]!["environment"]!;
        var connection = overlay["movies"]!["environment"]!["Movies__MySql"]!.GetValue<string>();
        Assert.Contains("Server=mariadb;", connection, StringComparison.Ordinal);
        Assert.Contains($"Database={mariadb["MARIADB_DATABASE"]};", connection, StringComparison.Ordinal);
        Assert.Contains($"User ID={mariadb["MARIADB_USER"]};", connection, StringComparison.Ordinal);
        Assert.Contains($"Password={mariadb["MARIADB_PASSWORD"]}", connection, StringComparison.Ordinal);
        // MariaDB runs its init scripts in name order: the schema must sort before the data.
        // HOST:CONTAINER:MODE, once the ${SAKILA_DIR:?...} in the host part (which has colons of its own) is set aside.
        var targets = overlay["mariadb"]!["volumes"]!.AsArray()
            .Select(v => Interpolation().Replace(v!.GetValue<string>(), "SAKILA_DIR").Split(':')[1]).ToList();
        Assert.Equal(2, targets.Count);
        Assert.True(string.CompareOrdinal(targets[0], targets[1]) < 0 && targets[0].Contains("schema", StringComparison.Ordinal) && targets[1].Contains("data", StringComparison.Ordinal));
    }

    [Fact]
    public void The_yaml_reader_refuses_garbage_naming_the_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => YamlJson.Parse("services: [unclosed", "compose.bad.yaml"));
        Assert.StartsWith("compose.bad.yaml: not YAML", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<InvalidDataException>(() => YamlJson.Parse("a: 1\na: 2\n", "compose.bad.yaml"));
        Assert.Contains("Duplicate key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The router's volumes as [source, target(, mode)].</summary>
    private static IEnumerable<string[]> RouterVolumes() =>
        Services["router"]!["volumes"]!.AsArray().Select(v => v!.GetValue<string>().Split(':'));

    private static bool HasHealthCheck(string service)
    {
        if (Services[service]!["healthcheck"] is not null)
            return true;
        var dockerfile = Services[service]!["build"]?["dockerfile"]?.GetValue<string>();
        return dockerfile is not null
            && Dockerfile.Load(Repository.PathOf(dockerfile)).FinalStage.Any(i => i.Keyword == "HEALTHCHECK");
    }

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Interpolation();
}
