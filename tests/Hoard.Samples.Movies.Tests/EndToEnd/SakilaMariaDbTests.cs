using Hoard.Samples.Movies.Tests.Infrastructure;
using MySqlConnector;

namespace Hoard.Samples.Movies.Tests.EndToEnd;

/// <summary>
/// Seed 000's setup: the real sakila movie tables (../shared/sakila) in a real MariaDB, read by the app
/// through three hoard nodes, checked in a browser.
/// </summary>
public sealed class SakilaMariaDbTests(SakilaMariaDbTests.SakilaSite site) : IClassFixture<SakilaMariaDbTests.SakilaSite>
{
    [Fact]
    public async Task Academy_dinosaur_is_film_1_with_its_actors_and_the_second_read_comes_from_the_cache()
    {
        var expectedActors = await QueryAsync(
            "SELECT CONCAT(a.first_name, ' ', a.last_name) FROM film_actor fa JOIN actor a ON a.actor_id = fa.actor_id WHERE fa.film_id = 1",
            reader => reader.GetString(0));
        var page = await site.Chromium.NewPageAsync();

        var first = await FilmPage.OpenAsync(page, site.App.Url("films/1"));
        var second = await FilmPage.ReloadAsync(page);

        Assert.Equal("ACADEMY DINOSAUR", first.Title);
        Assert.Equal(10, expectedActors.Count);
        Assert.Equal(expectedActors.Order(StringComparer.Ordinal), first.Actors.Order(StringComparer.Ordinal));
        Assert.Contains("PENELOPE GUINESS", first.Actors);
        Assert.Contains("CHRISTIAN GABLE", first.Actors);
        Assert.Contains("LUCILLE TRACY", first.Actors);
        first.AssertSource("database");
        Assert.Equal("Updated cache with database data", first.SourceMessage);
        second.AssertSource("cache");
        Assert.Equal("Loaded data from cache", second.SourceMessage);
        Assert.Equal(first.Actors, second.Actors);
        Assert.Equal("Documentary", (await page.Locator("#film-category").TextContentAsync())!.Trim());
        Assert.Equal("English", (await page.Locator("#film-language").TextContentAsync())!.Trim());
        Assert.Equal("PG", (await page.Locator("#film-rating").TextContentAsync())!.Trim());
        Assert.Equal("0.99", second.RentalRate);
    }

    [Fact]
    public async Task Searching_sakila_finds_its_films_by_title()
    {
        var expected = await QueryAsync("SELECT title FROM film WHERE title LIKE '%ACADEMY%' ORDER BY title, film_id", reader => reader.GetString(0));
        var page = await site.Chromium.NewPageAsync();

        await page.GotoAsync(site.App.Url("/?q=academy").ToString());
        var titles = (await page.Locator("#film-list .film-link").AllTextContentsAsync()).Select(t => t.Trim()).ToList();

        Assert.Equal(expected, titles);
        Assert.Equal("1", await page.Locator("#film-list .film-row").First.GetAttributeAsync("data-film-id"));
    }

    [Fact]
    public async Task The_admin_action_writes_mariadb_and_the_next_visit_shows_it()
    {
        var page = await site.Chromium.NewPageAsync();
        await FilmPage.OpenAsync(page, site.App.Url("films/2"));
        await FilmPage.ReloadAsync(page);

        await page.FillAsync("#rental-rate-input", "3.33");
        await page.ClickAsync("#rental-rate-submit");
        await page.Locator("#update-status").WaitForAsync();
        var stored = await QueryAsync("SELECT rental_rate FROM film WHERE film_id = 2", reader => reader.GetDecimal(0));
        var next = await FilmPage.OpenAsync(page, site.App.Url("films/2"));

        Assert.Equal([3.33m], stored);
        Assert.Equal("3.33", next.RentalRate);
        next.AssertSource("cache"); // cached again by the visit right after the change
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<MySqlDataReader, T> read)
    {
        await using var connection = new MySqlConnection(site.MariaDb.ConnectionString("sakila"));
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>MariaDB loaded with sakila, three hoard nodes, the app in sakila mode, and a browser.</summary>
    public sealed class SakilaSite : IAsyncLifetime
    {
        private MariaDbServer? _mariaDb;
        private HoardCluster? _cluster;
        private MoviesApp? _app;
        private Chromium? _chromium;

        public MariaDbServer MariaDb => _mariaDb!;

        public MoviesApp App => _app!;

        public Chromium Chromium => _chromium!;

        public async Task InitializeAsync()
        {
            var launching = Chromium.LaunchAsync();
            try
            {
                _mariaDb = MariaDbServer.Start();
                _mariaDb.Load(Path.Combine(RepositoryPaths.Sakila, "mysql-sakila-schema.sql"));
                _mariaDb.Load(Path.Combine(RepositoryPaths.Sakila, "mysql-sakila-movies-data.sql"));
                _cluster = new HoardCluster(3);
                _app = MoviesApp.Start(_cluster.ServerList, new Dictionary<string, string> { ["Movies:MySql"] = _mariaDb.ConnectionString("sakila") });
            }
            finally
            {
                _chromium = await launching;
            }
        }

        public async Task DisposeAsync()
        {
            if (_chromium is not null)
                await _chromium.DisposeAsync();
            _app?.Dispose();
            _cluster?.Dispose();
            _mariaDb?.Dispose();
        }
    }
}
