using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Catalog.Generation;
using Microsoft.Data.Sqlite;

namespace Hoard.Samples.Movies.Tests.Unit;

/// <summary>The generated SQLite catalogue on disk, read and written through the repository.</summary>
public sealed class SqliteCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-movies-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteFilmRepository> CreateAsync()
    {
        var status = await SqliteCatalog.EnsureCreatedAsync(_directory);
        return new SqliteFilmRepository(status.Path);
    }

    [Fact]
    public async Task The_written_catalogue_matches_the_generator_and_every_film_has_a_category_and_actors()
    {
        var status = await SqliteCatalog.EnsureCreatedAsync(_directory);
        var repository = new SqliteFilmRepository(status.Path);
        var generated = CatalogGenerator.Generate();

        Assert.True(status.Created);
        Assert.Equal(1000, status.Films);
        Assert.Equal(1000, (await repository.CheckAsync(CancellationToken.None)).FilmCount);
        await using (var connection = new SqliteConnection($"Data Source={status.Path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM film f WHERE NOT EXISTS (SELECT 1 FROM film_category c WHERE c.film_id = f.film_id) OR NOT EXISTS (SELECT 1 FROM film_actor a WHERE a.film_id = f.film_id)";
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }
        foreach (int id in new[] { 1, 500, 1000 })
        {
            var film = await repository.GetFilmAsync(id, CancellationToken.None);
            var expected = generated.Films[id - 1];
            Assert.NotNull(film);
            Assert.Equal(expected.Title, film.Title);
            Assert.Equal(expected.Description, film.Description);
            Assert.Equal(expected.RentalRate, film.RentalRate);
            Assert.Equal(expected.Rating, film.Rating);
            Assert.Equal([generated.Categories[expected.CategoryId - 1]], film.Categories);
            Assert.Equal(generated.Languages[expected.LanguageId - 1], film.Language);
            Assert.Equal(expected.ActorIds.Order(), film.Actors.Select(a => a.Id).Order());
        }
    }

    [Fact]
    public async Task Search_ignores_case_pages_in_title_order_and_counts_all_matches()
    {
        var repository = await CreateAsync();
        var expected = CatalogGenerator.Generate().Films.Where(f => f.Title.Contains("DRAGON", StringComparison.Ordinal))
            .OrderBy(f => f.Title, StringComparer.Ordinal).ThenBy(f => f.Id).Select(f => f.Id).ToList();

        var first = await repository.SearchAsync("dragon", 1, 5, CancellationToken.None);
        var second = await repository.SearchAsync("DrAgOn", 2, 5, CancellationToken.None);
        var beyond = await repository.SearchAsync("dragon", 1000, 5, CancellationToken.None);

        Assert.True(expected.Count > 5);
        Assert.Equal(expected.Count, first.TotalCount);
        Assert.Equal(expected.Take(5), first.Films.Select(f => f.Id));
        Assert.Equal(expected.Skip(5).Take(5), second.Films.Select(f => f.Id));
        Assert.Empty(beyond.Films);
        Assert.Equal(expected.Count, beyond.TotalCount);
        Assert.All(first.Films, f => Assert.False(string.IsNullOrEmpty(f.Category)));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("!")]
    [InlineData("' OR 1=1 --")]
    public async Task Search_text_is_matched_literally(string text)
    {
        var repository = await CreateAsync();

        var page = await repository.SearchAsync(text, 1, 20, CancellationToken.None);

        Assert.Equal(0, page.TotalCount);
        Assert.Empty(page.Films);
    }

    [Fact]
    public async Task An_empty_search_lists_every_film()
    {
        var repository = await CreateAsync();

        var page = await repository.SearchAsync("", 50, 20, CancellationToken.None);

        Assert.Equal(1000, page.TotalCount);
        Assert.Equal(20, page.Films.Count);
        Assert.Equal(50, page.PageCount);
    }

    [Fact]
    public async Task A_missing_film_is_null_and_cannot_be_updated()
    {
        var repository = await CreateAsync();

        Assert.Null(await repository.GetFilmAsync(1001, CancellationToken.None));
        Assert.False(await repository.UpdateRentalRateAsync(1001, 1.99m, CancellationToken.None));
    }

    [Fact]
    public async Task A_changed_rate_is_kept_when_the_app_starts_again()
    {
        var repository = await CreateAsync();
        Assert.True(await repository.UpdateRentalRateAsync(10, 7.25m, CancellationToken.None));
        Assert.True(await repository.UpdateRentalRateAsync(10, 7.25m, CancellationToken.None)); // the same value again still finds the film

        var again = await SqliteCatalog.EnsureCreatedAsync(_directory);

        Assert.False(again.Created);
        Assert.Equal(7.25m, (await new SqliteFilmRepository(again.Path).GetFilmAsync(10, CancellationToken.None))!.RentalRate);
    }

    [Fact]
    public async Task A_catalogue_from_another_generator_version_is_made_again()
    {
        var status = await SqliteCatalog.EnsureCreatedAsync(_directory);
        await using (var connection = new SqliteConnection($"Data Source={status.Path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 0;";
            await command.ExecuteNonQueryAsync();
        }

        var again = await SqliteCatalog.EnsureCreatedAsync(_directory);

        Assert.True(again.Created);
        Assert.Equal(1000, again.Films);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_an_error_not_overwritten()
    {
        string path = Path.Combine(_directory, SqliteCatalog.FileName);
        await File.WriteAllTextAsync(path, "this is not a database, and it is somebody's file");

        await Assert.ThrowsAsync<SqliteException>(() => SqliteCatalog.EnsureCreatedAsync(_directory));
        Assert.StartsWith("this is not", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }
}
