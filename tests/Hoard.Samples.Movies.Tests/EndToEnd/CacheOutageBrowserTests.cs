using Hoard.Samples.Movies.Catalog.Generation;
using Hoard.Samples.Movies.Tests.Infrastructure;

namespace Hoard.Samples.Movies.Tests.EndToEnd;

/// <summary>Cache nodes killed under the running app: the pages keep working, in a real browser.</summary>
public sealed class CacheOutageBrowserTests(ChromiumFixture browser) : IClassFixture<ChromiumFixture>
{
    private static readonly GeneratedCatalog Generated = CatalogGenerator.Generate();

    [Fact]
    public async Task With_one_of_three_nodes_killed_the_pages_keep_working()
    {
        using var cluster = new HoardCluster(3);
        using var app = MoviesApp.Start(cluster.ServerList);
        var page = await browser.Chromium.NewPageAsync();
        var ids = Enumerable.Range(1, 15).ToList();
        var nodeOf = new Dictionary<int, string>();
        foreach (int id in ids)
            nodeOf[id] = (await FilmPage.OpenAsync(page, app.Url($"films/{id}"))).Node;
        string victim = nodeOf[1];
        Assert.Contains(ids, id => nodeOf[id] != victim); // keys on the other nodes too, to watch them stay put

        cluster.Node(victim).Kill();

        foreach (int id in ids)
        {
            var visit = await FilmPage.OpenAsync(page, app.Url($"films/{id}"));
            Assert.Equal(200, visit.Status);
            Assert.Equal(Generated.Films[id - 1].Title, visit.Title);
            Assert.NotEmpty(visit.Actors);
            if (nodeOf[id] == victim)
            {
                // Its node is gone: loaded again from the database and cached on the node that took the key over.
                visit.AssertSource("database");
                Assert.NotEqual(victim, visit.Node);
                var again = await FilmPage.OpenAsync(page, app.Url($"films/{id}"));
                again.AssertSource("cache");
                Assert.Equal(visit.Node, again.Node);
            }
            else
            {
                // Consistent hashing: keys of the nodes still up did not move and are still cached.
                visit.AssertSource("cache");
                Assert.Equal(nodeOf[id], visit.Node);
            }
        }
        var list = await page.GotoAsync(app.Url("/").ToString());
        Assert.Equal(200, list!.Status);
        Assert.Equal(20, await page.Locator("#film-list .film-row").CountAsync());
    }

    [Fact]
    public async Task With_every_node_killed_the_banner_shows_and_the_data_still_does()
    {
        using var cluster = new HoardCluster(3);
        using var app = MoviesApp.Start(cluster.ServerList);
        var page = await browser.Chromium.NewPageAsync();
        Assert.False((await FilmPage.OpenAsync(page, app.Url("films/3"))).Banner);

        foreach (var node in cluster.Nodes)
            node.Kill();

        foreach (int id in new[] { 3, 4, 3, 5 })
        {
            var visit = await FilmPage.OpenAsync(page, app.Url($"films/{id}"));
            var film = Generated.Films[id - 1];
            // The dead nodes refuse at once and are taken out of the ring: no timeout (5 s in these tests) is
            // waited for. The app's own lookup time is measured, not the browser's, which depends on the machine.
            Assert.True(visit.LookupMs < 2_500, $"the lookup took {visit.LookupMs} ms with the cache down");
            Assert.Equal(200, visit.Status);
            Assert.True(visit.Banner);
            Assert.True(visit.Degraded);
            visit.AssertSource("database");
            Assert.Equal("Loaded data from database (cache unavailable)", visit.SourceMessage);
            Assert.Equal(film.Title, visit.Title);
            Assert.Equal(film.ActorIds.Count, visit.Actors.Count);
            Assert.Contains("The cache is unavailable", await page.Locator("#cache-warning").TextContentAsync(), StringComparison.Ordinal);
        }

        var list = await page.GotoAsync(app.Url("/?q=river").ToString());
        Assert.Equal(200, list!.Status);
        Assert.True(await page.Locator("#cache-warning").IsVisibleAsync());
        int rivers = Generated.Films.Count(f => f.Title.Contains("RIVER", StringComparison.Ordinal));
        Assert.Equal(rivers.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#result-count").GetAttributeAsync("data-total"));
        Assert.Equal(Math.Min(rivers, 20), await page.Locator("#film-list .film-row").CountAsync());

        // The admin action still writes the database; the page says the delete could not reach the cache.
        await FilmPage.OpenAsync(page, app.Url("films/5"));
        await page.FillAsync("#rental-rate-input", "6.66");
        await page.ClickAsync("#rental-rate-submit");
        await page.Locator("#update-status").WaitForAsync();
        Assert.Contains("deleting", await page.Locator("#update-status").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("6.66", (await FilmPage.ReadAsync(page, 200)).RentalRate);
    }
}
