using Hoard.Client;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Hoard.Samples.Movies.Configuration;

/// <summary>
/// Checks the configuration before the app listens, so a mistake stops it at once with the setting's name
/// and the reason, instead of surfacing as an error page later.
/// </summary>
public static class StartupValidation
{
    /// <exception cref="MoviesConfigurationException">Some setting cannot work; the message lists every problem found.</exception>
    public static (MoviesOptions Movies, HoardClientOptions Hoard) Validate(IServiceProvider services)
    {
        var movies = Resolve<MoviesOptions>(services, MoviesOptions.SectionName);
        var hoard = Resolve<HoardClientOptions>(services, "Hoard");
        var problems = new List<string>();
        problems.AddRange(hoard.Validate().Select(problem => "Hoard: " + problem));
        problems.AddRange(Check(movies));
        if (problems.Count > 0)
            throw new MoviesConfigurationException("invalid configuration:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        return (movies, hoard);
    }

    /// <summary>The problems of the <c>Movies</c> section; empty when it can work.</summary>
    public static IReadOnlyList<string> Check(MoviesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.CacheTtl < TimeSpan.FromSeconds(1) || options.CacheTtl > TimeSpan.FromDays(30))
            problems.Add($"Movies:CacheTtl must be between 00:00:01 and 30.00:00:00 (memcached's longest relative expiry), not {options.CacheTtl}");
        if (options.LeaseTimeout < TimeSpan.FromSeconds(1) || options.LeaseTimeout > TimeSpan.FromMinutes(5))
            problems.Add($"Movies:LeaseTimeout must be between 00:00:01 and 00:05:00, not {options.LeaseTimeout}");
        if (options.PageSize is < 1 or > 100)
            problems.Add($"Movies:PageSize must be 1-100, not {options.PageSize}");
        if (options.KeyPrefix is { } prefix && (prefix.Length > 100 || prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            problems.Add("Movies:KeyPrefix must be at most 100 characters without spaces or control characters");
        if (options.UsesMySql)
            problems.AddRange(CheckMySql(options.MySql!));
        problems.AddRange(CheckDataDirectory(options.EffectiveDataDirectory));
        return problems;
    }

    private static IEnumerable<string> CheckMySql(string connectionString)
    {
        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad option; the string itself is not echoed (it may hold a password).
            return [$"Movies:MySql is not a MySQL connection string: {ex.Message}"];
        }
        if (string.IsNullOrWhiteSpace(builder.Server))
            return ["Movies:MySql names no Server (Server=HOST;Port=3306;Database=sakila;User ID=...)"];
        return [];
    }

    private static IEnumerable<string> CheckDataDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [$"Movies:DataDirectory '{directory}' cannot be written: {ex.Message}"];
        }
    }

    private static T Resolve<T>(IServiceProvider services, string section) where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the value it could not convert.
            throw new MoviesConfigurationException($"invalid configuration in section {section}: {ex.Message}", ex);
        }
    }
}
