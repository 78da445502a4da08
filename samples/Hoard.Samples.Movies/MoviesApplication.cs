using Hoard.Client;
using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Catalog.Generation;
using Hoard.Samples.Movies.Configuration;
using Hoard.Samples.Movies.Diagnostics;
using Hoard.Samples.Movies.Films;
using Hoard.Samples.Movies.Health;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Hoard.Samples.Movies;

/// <summary>Composes the sample: services, endpoints, and the checks and data preparation before it listens.</summary>
public static class MoviesApplication
{
    /// <summary>The sample's port (ARCHITECTURE.md) when ASPNETCORE_URLS, --urls and the like say nothing.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    /// <exception cref="MoviesConfigurationException">A setting cannot work; the message names it.</exception>
    public static WebApplication Build(string[] args)
    {
        // The app's own folder holds appsettings.json wherever it is started from (dotnet run uses the project's).
        bool contentRootGiven = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 };
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRootGiven ? null : AppContext.BaseDirectory,
        });
        if (!HasExplicitUrls(builder.Configuration))
            builder.WebHost.UseUrls(DefaultUrl);
        AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        // Before anything resolves the options (the endpoints below do), so a bad setting is reported as such.
        StartupValidation.Validate(app.Services);
        MapEndpoints(app);
        return app;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MoviesOptions>().Bind(configuration.GetSection(MoviesOptions.SectionName));
        var hoardSection = configuration.GetSection("Hoard");
        // Registered before AddHoardCache binds the section, so each default can be overridden there.
        services.AddOptions<HoardClientOptions>().Configure(CacheClientDefaults.Apply);
        services.AddHoardCache(hoardSection);
        services.PostConfigure<HoardClientOptions>(options => CacheClientDefaults.ApplyServers(options, hoardSection));

        services.AddSingleton<IFilmRepository>(provider => CreateRepository(provider.GetRequiredService<IOptions<MoviesOptions>>().Value));
        services.AddSingleton(provider => new CacheKeys(provider.GetRequiredService<IOptions<MoviesOptions>>().Value.EffectiveKeyPrefix));
        services.AddSingleton<MoviesMetrics>();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton<LookAsideCache>();
        services.AddSingleton<FilmCatalog>();
        services.AddSingleton<HealthCheck>();
        services.AddRazorPages();
        // The keys protecting the admin form's antiforgery token and the change notice live with the app's data,
        // not in the user's profile.
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<MoviesOptions>, ILoggerFactory>((keys, movies, logging) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(movies.Value.EffectiveDataDirectory, "keys")), logging));
    }

    /// <summary>
    /// Prepares the data before the app listens: generates the SQLite catalogue on first start. A data file
    /// that is not a catalogue stops the app here with a <see cref="MoviesConfigurationException"/>.
    /// </summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var movies = app.Services.GetRequiredService<IOptions<MoviesOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hoard.Samples.Movies");
        if (!movies.UsesMySql)
        {
            string directory = movies.EffectiveDataDirectory;
            SqliteCatalogStatus status;
            try
            {
                status = await SqliteCatalog.EnsureCreatedAsync(directory, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw new MoviesConfigurationException(
                    $"Movies:DataDirectory: {Path.Combine(directory, SqliteCatalog.FileName)} is not a catalogue this sample can read ({ex.Message}); delete it or choose another directory", ex);
            }
            if (status.Created)
                Log.CatalogGenerated(logger, status.Films, status.Path, status.Elapsed.TotalMilliseconds);
            else
                Log.CatalogFound(logger, status.Path, status.Films);
        }
        // Listening starts now, so the first requests are counted; the client is built (it connects nothing yet).
        app.Services.GetRequiredService<MetricsCollector>();
        app.Services.GetRequiredService<HoardClient>();
    }

    /// <summary>Logs where the app listens (the actual port when 0 was asked for), its database and its cache.</summary>
    public static void ReportStarted(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hoard.Samples.Movies");
        string urls = string.Join(", ", app.Urls);
        string database = app.Services.GetRequiredService<IFilmRepository>().Description;
        string servers = string.Join(", ", app.Services.GetRequiredService<HoardClient>().Servers.Select(s => s.HostPort));
        Log.Started(logger, urls, database, servers);
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.UseExceptionHandler("/error");
        app.MapRazorPages();
        app.MapGet("/health", async (HealthCheck check, CancellationToken cancellationToken) =>
        {
            var report = await check.CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(report, statusCode: report.Status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        app.MapGet("/metrics", (MetricsCollector metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    }

    private static IFilmRepository CreateRepository(MoviesOptions options) => options.UsesMySql
        ? new MySqlFilmRepository(options.MySql!)
        : new SqliteFilmRepository(Path.Combine(options.EffectiveDataDirectory, SqliteCatalog.FileName));

    private static bool HasExplicitUrls(ConfigurationManager configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
