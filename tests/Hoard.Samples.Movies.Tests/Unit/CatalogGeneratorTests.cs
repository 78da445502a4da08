using System.Text.Json;
using Hoard.Samples.Movies.Catalog.Generation;

namespace Hoard.Samples.Movies.Tests.Unit;

public sealed class CatalogGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_catalogue()
    {
        string first = JsonSerializer.Serialize(CatalogGenerator.Generate());
        string second = JsonSerializer.Serialize(CatalogGenerator.Generate());

        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_gives_another_catalogue()
    {
        var a = CatalogGenerator.Generate(seed: 1);
        var b = CatalogGenerator.Generate(seed: 2);

        Assert.NotEqual(a.Films.Select(f => f.Title), b.Films.Select(f => f.Title));
    }

    [Fact]
    public void The_default_catalogue_has_a_thousand_films_each_with_a_category_and_actors()
    {
        var catalog = CatalogGenerator.Generate();

        Assert.Equal(1000, catalog.Films.Count);
        Assert.Equal(Enumerable.Range(1, 1000), catalog.Films.Select(f => f.Id));
        Assert.Equal(1000, catalog.Films.Select(f => f.Title).Distinct().Count());
        Assert.Equal(16, catalog.Categories.Count);
        Assert.Equal(6, catalog.Languages.Count);
        Assert.Equal(CatalogGenerator.ActorCount, catalog.Actors.Count);
        Assert.Equal(catalog.Actors.Count, catalog.Actors.Select(a => a.FullName).Distinct().Count());
        foreach (var film in catalog.Films)
        {
            Assert.InRange(film.CategoryId, 1, catalog.Categories.Count);
            Assert.InRange(film.LanguageId, 1, catalog.Languages.Count);
            Assert.InRange(film.ActorIds.Count, CatalogGenerator.MinActorsPerFilm, CatalogGenerator.MaxActorsPerFilm);
            Assert.Equal(film.ActorIds.Count, film.ActorIds.Distinct().Count());
            Assert.All(film.ActorIds, id => Assert.InRange(id, 1, catalog.Actors.Count));
            Assert.Contains(film.Rating, new[] { "G", "PG", "PG-13", "R", "NC-17" });
            Assert.Contains(film.RentalRate, new[] { 0.99m, 2.99m, 4.99m });
            Assert.Matches("^[A-Z]+ [A-Z]+$", film.Title);
            Assert.StartsWith("A", film.Description, StringComparison.Ordinal);
        }
        // Spread, not a degenerate draw: every category and most actors are used.
        Assert.Equal(16, catalog.Films.Select(f => f.CategoryId).Distinct().Count());
        Assert.True(catalog.Films.SelectMany(f => f.ActorIds).Distinct().Count() > 190);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_000)]
    public void An_impossible_film_count_is_refused(int films)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CatalogGenerator.Generate(filmCount: films));
    }
}
