using System.Net;
using System.Text.Json;
using Hoard.Samples.Movies.Tests.Infrastructure;

namespace Hoard.Samples.Movies.Tests.EndToEnd;

/// <summary>The built app as a process: start-up refusals, /health, /metrics, SIGTERM.</summary>
public sealed class AppProcessTests(HoardClusterFixture fixture) : IClassFixture<HoardClusterFixture>
{
    private static string DeadServers() => string.Join(",", Enumerable.Range(0, 3).Select(_ => "127.0.0.1:" + Ports.Closed()));

    private static (int ExitCode, string Output) StartWith(params string[] settings)
    {
        string directory = Directory.CreateTempSubdirectory("hoard-movies-refused-").FullName;
        try
        {
            var arguments = MoviesApp.Arguments("127.0.0.1:11211", directory);
            arguments.AddRange(settings);
            return MoviesApp.RunExpectingFailure(arguments);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_bad_server_list_stops_the_app_before_it_listens_with_the_reason()
    {
        var (code, output) = StartWith("--Hoard:Servers=cache1:11211,http://cache2:11211");

        Assert.Equal(2, code);
        Assert.Contains("hoard-movies: invalid configuration:", output, StringComparison.Ordinal);
        Assert.Contains("Hoard: invalid server 'http://cache2:11211'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public void A_bad_mysql_connection_string_or_ttl_stops_the_app_with_the_setting_named()
    {
        var (mysqlCode, mysqlOutput) = StartWith("--Movies:MySql=Hostname=db;Password=secret");
        var (ttlCode, ttlOutput) = StartWith("--Movies:CacheTtl=soon");

        Assert.Equal(2, mysqlCode);
        Assert.Contains("Movies:MySql is not a MySQL connection string", mysqlOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", mysqlOutput, StringComparison.Ordinal);
        Assert.Equal(2, ttlCode);
        Assert.Contains("CacheTtl", ttlOutput, StringComparison.Ordinal);
        Assert.Contains("soon", ttlOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_file_that_is_not_a_catalogue_stops_the_app_and_is_left_alone()
    {
        string directory = Directory.CreateTempSubdirectory("hoard-movies-garbage-").FullName;
        try
        {
            string file = Path.Combine(directory, "movies.db");
            File.WriteAllText(file, "somebody's notes, not a database");

            var (code, output) = MoviesApp.RunExpectingFailure(MoviesApp.Arguments(fixture.Cluster.ServerList, directory));

            Assert.Equal(2, code);
            Assert.Contains("Movies:DataDirectory", output, StringComparison.Ordinal);
            Assert.Contains("is not a catalogue this sample can read", output, StringComparison.Ordinal);
            Assert.Equal("somebody's notes, not a database", File.ReadAllText(file));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Health_lists_every_node_and_the_database_and_metrics_count_the_lookups()
    {
        using var app = MoviesApp.Start(fixture.Cluster.ServerList);
        var first = await app.Http.GetAsync(new Uri("films/15", UriKind.Relative));
        var second = await app.Http.GetAsync(new Uri("films/15", UriKind.Relative));

        var response = await app.Http.GetAsync(new Uri("health", UriKind.Relative));
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string metrics = await app.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = health.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Equal("up", root.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(1000, root.GetProperty("database").GetProperty("films").GetInt32());
        var nodes = root.GetProperty("cache").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(fixture.Cluster.Nodes.Select(n => n.HostPort), nodes.Select(n => n.GetProperty("server").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("up").GetBoolean()));
        Assert.All(nodes, n => Assert.StartsWith("1.6", n.GetProperty("version").GetString(), StringComparison.Ordinal));
        // MoviesApp.Start's warm-up read film 1000 and one search from the database before the two visits.
        Assert.Equal(1, root.GetProperty("lookups").GetProperty("fromCache").GetInt64());
        Assert.Equal(3, root.GetProperty("lookups").GetProperty("fromDatabase").GetInt64());
        Assert.Equal(3, root.GetProperty("lookups").GetProperty("databaseLoads").GetInt64());
        Assert.Contains("movies_lookups_total{movies_degraded=\"false\",movies_kind=\"film\",movies_source=\"cache\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("movies_lookups_total{movies_degraded=\"false\",movies_kind=\"film\",movies_source=\"database\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("movies_lookups_total{movies_degraded=\"false\",movies_kind=\"search\",movies_source=\"database\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"films/{id:int}\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("hoard_client_operation_duration_seconds_count{hoard_operation=\"lease_get\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_cache_down_health_is_degraded_but_200_and_pages_still_work()
    {
        using var app = MoviesApp.Start(DeadServers());

        var page = await app.Http.GetAsync(new Uri("films/1", UriKind.Relative));
        var response = await app.Http.GetAsync(new Uri("health", UriKind.Relative));
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"cache-warning\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("down", health.RootElement.GetProperty("cache").GetProperty("status").GetString());
        Assert.All(health.RootElement.GetProperty("cache").GetProperty("nodes").EnumerateArray(), n => Assert.False(n.GetProperty("up").GetBoolean()));
    }

    [Fact]
    public async Task With_the_database_down_health_is_503_and_an_uncached_page_says_so_with_503()
    {
        // sakila mode against a port nothing listens on.
        using var app = MoviesApp.Start(fixture.Cluster.ServerList, new Dictionary<string, string>
        {
            ["Movies:MySql"] = $"Server=127.0.0.1;Port={Ports.Closed()};User ID=root;Connection Timeout=2",
        });

        var response = await app.Http.GetAsync(new Uri("health", UriKind.Relative));
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var page = await app.Http.GetAsync(new Uri("films/1", UriKind.Relative));
        string html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("down", health.RootElement.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("up", health.RootElement.GetProperty("cache").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("The film database is not answering", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_stops_the_app_cleanly()
    {
        using var app = MoviesApp.Start(fixture.Cluster.ServerList);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("films/2", UriKind.Relative))).StatusCode);

        app.Process.Signal(15);

        Assert.Equal(0, app.Process.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
