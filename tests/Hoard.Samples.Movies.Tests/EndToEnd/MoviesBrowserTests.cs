using Hoard.Samples.Movies.Catalog.Generation;
using Hoard.Samples.Movies.Tests.Infrastructure;

namespace Hoard.Samples.Movies.Tests.EndToEnd;

/// <summary>The app in a real browser (headless Chromium) over three hoard nodes, in embedded mode.</summary>
public sealed class MoviesBrowserTests(MoviesSiteFixture site) : IClassFixture<MoviesSiteFixture>
{
    private static readonly GeneratedCatalog Generated = CatalogGenerator.Generate();

    [Fact]
    public async Task The_first_visit_of_a_film_comes_from_the_database_and_the_reload_from_the_cache()
    {
        var page = await site.Chromium.NewPageAsync();
        var film = Generated.Films[6];

        var first = await FilmPage.OpenAsync(page, site.App.Url("films/7"));
        var reload = await FilmPage.ReloadAsync(page);

        Assert.Equal(200, first.Status);
        Assert.Equal(film.Title, first.Title);
        first.AssertSource("database");
        Assert.Equal("Updated cache with database data", first.SourceMessage);
        reload.AssertSource("cache");
        Assert.Equal("Loaded data from cache", reload.SourceMessage);
        Assert.Contains(first.Node, site.Cluster.Nodes.Select(n => n.HostPort));
        Assert.Equal(first.Node, reload.Node);
        Assert.True(first.LookupMs > 0 && reload.LookupMs > 0);
        Assert.False(first.Banner || reload.Banner);
        var expectedActors = film.ActorIds.Select(id => Generated.Actors[id - 1].FullName).Order(StringComparer.Ordinal);
        Assert.Equal(expectedActors, reload.Actors.Order(StringComparer.Ordinal));
        Assert.Equal(Generated.Categories[film.CategoryId - 1], (await page.Locator("#film-category").TextContentAsync())!.Trim());
        Assert.Equal(film.Description, (await page.Locator("#film-description").TextContentAsync())!.Trim());
        Assert.Equal(film.Rating, (await page.Locator("#film-rating").TextContentAsync())!.Trim());
        Assert.Equal(film.RentalRate.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), reload.RentalRate);
    }

    [Fact]
    public async Task Searching_lists_the_films_whose_title_contains_the_text()
    {
        var page = await site.Chromium.NewPageAsync();
        var expected = Generated.Films.Where(f => f.Title.Contains("DRAGON", StringComparison.Ordinal))
            .OrderBy(f => f.Title, StringComparer.Ordinal).ThenBy(f => f.Id).Select(f => f.Title).ToList();
        await page.GotoAsync(site.App.Url("/").ToString());

        await page.FillAsync("#search-query", "dragon");
        await page.ClickAsync("#search-submit");
        await page.Locator("#result-count[data-total='" + expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "']").WaitForAsync();
        var titles = (await page.Locator("#film-list .film-link").AllTextContentsAsync()).Select(t => t.Trim()).ToList();

        Assert.True(expected.Count > 0);
        Assert.Equal(expected.Take(20), titles);
        Assert.Equal(expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#result-count").GetAttributeAsync("data-total"));
        Assert.Equal("dragon", await page.Locator("#search-query").InputValueAsync());

        // A link from the results opens that film.
        await page.Locator("#film-list .film-link").First.ClickAsync();
        await page.Locator("#film-title").WaitForAsync();
        Assert.EndsWith("/films/" + Generated.Films.First(f => f.Title == expected[0]).Id, page.Url, StringComparison.Ordinal);
        Assert.Equal(expected[0], (await page.Locator("#film-title").TextContentAsync())!.Trim());

        // Text no title contains finds nothing, and says so.
        await page.GotoAsync(site.App.Url("/?q=zzzz%25").ToString());
        Assert.Equal("0", await page.Locator("#result-count").GetAttributeAsync("data-total"));
        Assert.True(await page.Locator("#no-films").IsVisibleAsync());
    }

    [Fact]
    public async Task The_list_pages_through_the_whole_catalogue_in_title_order()
    {
        var page = await site.Chromium.NewPageAsync();
        var ordered = Generated.Films.OrderBy(f => f.Title, StringComparer.Ordinal).ThenBy(f => f.Id).Select(f => f.Title).ToList();

        await page.GotoAsync(site.App.Url("/").ToString());
        var first = (await page.Locator("#film-list .film-link").AllTextContentsAsync()).Select(t => t.Trim()).ToList();
        await page.ClickAsync("#next-page");
        await page.Locator("#page-indicator[data-page='2']").WaitForAsync();
        Assert.EndsWith("/?p=2", page.Url, StringComparison.Ordinal);
        var second = (await page.Locator("#film-list .film-link").AllTextContentsAsync()).Select(t => t.Trim()).ToList();

        Assert.Equal(ordered.Take(20), first);
        Assert.Equal(ordered.Skip(20).Take(20), second);
        Assert.Equal("50", await page.Locator("#page-indicator").GetAttributeAsync("data-pages"));
        Assert.True(await page.Locator("#prev-page").IsVisibleAsync());
    }

    [Fact]
    public async Task Changing_the_rental_rate_shows_the_new_value_on_the_next_visit()
    {
        var page = await site.Chromium.NewPageAsync();
        var url = site.App.Url("films/42");
        await FilmPage.OpenAsync(page, url);
        var cached = await FilmPage.ReloadAsync(page);
        cached.AssertSource("cache");
        string newRate = cached.RentalRate == "7.77" ? "8.88" : "7.77";

        await page.FillAsync("#rental-rate-input", newRate);
        await page.ClickAsync("#rental-rate-submit");
        await page.Locator("#update-status").WaitForAsync();
        var afterChange = await FilmPage.ReadAsync(page, 200);
        string notice = (await page.Locator("#update-status").TextContentAsync())!;
        var nextVisit = await FilmPage.OpenAsync(page, url);

        Assert.Contains($"Rental rate changed to {newRate}", notice, StringComparison.Ordinal);
        Assert.Contains($"deleted from cache node {cached.Node}", notice, StringComparison.Ordinal);
        Assert.Equal(newRate, afterChange.RentalRate);
        afterChange.AssertSource("database"); // the key was deleted: this visit loaded the new row
        Assert.Equal(newRate, nextVisit.RentalRate);
        nextVisit.AssertSource("cache");
        Assert.False(await page.Locator("#update-status").IsVisibleAsync()); // the notice is shown once
    }

    [Fact]
    public async Task A_garbage_rental_rate_is_refused_with_the_reason_and_changes_nothing()
    {
        var page = await site.Chromium.NewPageAsync();
        var url = site.App.Url("films/43");
        var before = await FilmPage.OpenAsync(page, url);

        await page.FillAsync("#rental-rate-input", "12,50 dollars");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#rental-rate-submit"), r => r.Request.Method == "POST");
        await page.Locator("#rental-rate-error").WaitForAsync();
        string error = (await page.Locator("#rental-rate-error").TextContentAsync())!;
        var after = await FilmPage.OpenAsync(page, url);

        Assert.Equal(400, response.Status);
        Assert.Contains("is not a rental rate", error, StringComparison.Ordinal);
        Assert.Equal(before.RentalRate, after.RentalRate);
        after.AssertSource("cache"); // nothing was written, so nothing was invalidated
    }

    [Fact]
    public async Task An_unknown_film_is_a_404_page_not_an_error()
    {
        var page = await site.Chromium.NewPageAsync();

        var missing = await FilmPage.OpenAsync(page, site.App.Url("films/999999"));

        Assert.Equal(404, missing.Status);
        Assert.Equal("No such film", missing.Title);
        Assert.True(await page.Locator("#film-missing").IsVisibleAsync());
    }

    [Fact]
    public async Task Screenshots_of_the_list_and_a_film_page()
    {
        var page = await site.Chromium.NewPageAsync();
        // Later visits, so the pages show the cache at work (and lookup times of a warmed-up app).
        await page.GotoAsync(site.App.Url("/").ToString());
        for (int i = 0; i < 3; i++)
            await page.ReloadAsync();
        Assert.Equal("cache", await page.Locator("#provenance").GetAttributeAsync("data-source"));
        string list = await Screenshots.SaveAsync(page, "movies-list.png");

        await FilmPage.OpenAsync(page, site.App.Url("films/1"));
        for (int i = 0; i < 2; i++)
            await page.ReloadAsync();
        var film = await FilmPage.ReloadAsync(page);
        film.AssertSource("cache");
        string filmShot = await Screenshots.SaveAsync(page, "movies-film.png");

        Assert.True(new FileInfo(list).Length > 10_000);
        Assert.True(new FileInfo(filmShot).Length > 10_000);
    }
}
