using Hoard.Client;
using Hoard.Samples.Movies.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Samples.Movies.Tests.Unit;

/// <summary>The configuration as the app composes it (<see cref="MoviesApplication.AddServices"/>), checked at start-up.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-movies-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (MoviesOptions Movies, HoardClientOptions Hoard) Validate(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Movies:DataDirectory"] = _directory };
        foreach (var (key, value) in settings)
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddMetrics();
        MoviesApplication.AddServices(services, configuration);
        using var provider = services.BuildServiceProvider();
        return StartupValidation.Validate(provider);
    }

    private string Refused(params (string Key, string Value)[] settings) =>
        Assert.Throws<MoviesConfigurationException>(() => Validate(settings)).Message;

    [Fact]
    public void Without_settings_the_app_uses_the_local_three_node_cluster_and_fast_failing_timeouts()
    {
        var (movies, hoard) = Validate();

        Assert.Equal(["127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11213"], hoard.Servers);
        Assert.Equal(TimeSpan.FromMilliseconds(500), hoard.OperationTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), hoard.ConnectTimeout);
        Assert.Equal(1, hoard.FailureLimit);
        Assert.Equal(TimeSpan.FromMinutes(5), movies.CacheTtl);
        Assert.False(movies.UsesMySql);
        Assert.Equal("movies:v1:generated", movies.EffectiveKeyPrefix);
    }

    [Fact]
    public void Servers_can_be_a_list_or_one_comma_separated_string_and_defaults_can_be_overridden()
    {
        var (_, asList) = Validate(("Hoard:Servers:0", "cache1:11211"), ("Hoard:Servers:1", "cache2:11300"), ("Hoard:OperationTimeout", "00:00:02"));
        var (_, asString) = Validate(("Hoard:Servers", "cache1:11211, cache2:11300"));

        Assert.Equal(["cache1:11211", "cache2:11300"], asList.Servers);
        Assert.Equal(TimeSpan.FromSeconds(2), asList.OperationTimeout);
        Assert.Equal(["cache1:11211", "cache2:11300"], asString.Servers);
    }

    [Fact]
    public void A_mysql_connection_string_selects_sakila_mode_with_its_own_key_prefix()
    {
        var (movies, _) = Validate(("Movies:MySql", "Server=db.example;Port=3306;User ID=app;Password=secret;Database=sakila"));

        Assert.True(movies.UsesMySql);
        Assert.Equal("movies:v1:sakila", movies.EffectiveKeyPrefix);
    }

    [Theory]
    [InlineData("cache1:notaport", "cache1:notaport")]
    [InlineData("http://cache1:11211", "http://cache1:11211")]
    [InlineData("cache1:70000", "70000")]
    [InlineData("cache1:11211,,cache2:11211", "Hoard:")]
    [InlineData("fe80::1:11211", "fe80::1:11211")]
    public void A_bad_server_is_refused_with_its_text(string servers, string expected)
    {
        string message = Refused(("Hoard:Servers", servers));

        Assert.Contains("Hoard:", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_setting()
    {
        string hoard = Refused(("Hoard:OperationTimeout", "soon"));
        string movies = Refused(("Movies:CacheTtl", "five minutes"));
        string pages = Refused(("Movies:PageSize", "many"));

        Assert.Contains("Hoard", hoard, StringComparison.Ordinal);
        Assert.Contains("OperationTimeout", hoard, StringComparison.Ordinal);
        Assert.Contains("CacheTtl", movies, StringComparison.Ordinal);
        Assert.Contains("five minutes", movies, StringComparison.Ordinal);
        Assert.Contains("PageSize", pages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Movies:CacheTtl", "00:00:00", "Movies:CacheTtl must be between")]
    [InlineData("Movies:CacheTtl", "-00:01:00", "Movies:CacheTtl must be between")]
    [InlineData("Movies:CacheTtl", "31.00:00:00", "memcached's longest relative expiry")]
    [InlineData("Movies:LeaseTimeout", "00:00:00", "Movies:LeaseTimeout must be between")]
    [InlineData("Movies:PageSize", "0", "Movies:PageSize must be 1-100, not 0")]
    [InlineData("Movies:PageSize", "1000", "Movies:PageSize must be 1-100, not 1000")]
    [InlineData("Movies:KeyPrefix", "has spaces", "Movies:KeyPrefix")]
    [InlineData("Hoard:ConnectionsPerServer", "0", "ConnectionsPerServer must be 1-64")]
    public void An_out_of_range_value_is_refused_with_the_rule(string key, string value, string expected)
    {
        Assert.Contains(expected, Refused((key, value)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Serverr=db;Database=sakila", "Movies:MySql is not a MySQL connection string")]
    [InlineData("this is not a connection string", "Movies:MySql is not a MySQL connection string")]
    [InlineData("Database=sakila;User ID=app", "Movies:MySql names no Server")]
    public void A_bad_mysql_connection_string_is_refused_without_echoing_it(string connectionString, string expected)
    {
        string message = Refused(("Movies:MySql", connectionString + ";Password=hunter2"));

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_directory_that_cannot_be_written_is_refused()
    {
        string file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "not a directory");

        string message = Refused(("Movies:DataDirectory", file));

        Assert.Contains("Movies:DataDirectory", message, StringComparison.Ordinal);
        Assert.Contains(file, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        string message = Refused(("Hoard:Servers", "bad:port"), ("Movies:PageSize", "0"), ("Movies:CacheTtl", "00:00:00"));

        Assert.Contains("bad:port", message, StringComparison.Ordinal);
        Assert.Contains("PageSize", message, StringComparison.Ordinal);
        Assert.Contains("CacheTtl", message, StringComparison.Ordinal);
    }
}
