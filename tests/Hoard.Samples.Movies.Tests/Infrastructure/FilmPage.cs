using Microsoft.Playwright;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>What a page of the app says about itself, read through its element ids and data attributes.</summary>
public sealed record FilmPage(int Status, string Title, string Source, string SourceMessage, string Node, bool Degraded, bool Banner, double LookupMs, IReadOnlyList<string> Actors, string? RentalRate, string Details)
{
    /// <summary>Fails, with what the page said about its lookup, unless its data came from <paramref name="expected"/>.</summary>
    public void AssertSource(string expected)
    {
        if (Source != expected)
            throw new Xunit.Sdk.XunitException($"expected the data of '{Title}' from {expected}, the page says {Source}: {Details}");
    }

    public static async Task<FilmPage> OpenAsync(IPage page, Uri url)
    {
        ArgumentNullException.ThrowIfNull(page);
        var response = await page.GotoAsync(url.ToString()) ?? throw new InvalidOperationException("no response for " + url);
        return await ReadAsync(page, response.Status);
    }

    public static async Task<FilmPage> ReloadAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var response = await page.ReloadAsync() ?? throw new InvalidOperationException("no response to the reload");
        return await ReadAsync(page, response.Status);
    }

    public static async Task<FilmPage> ReadAsync(IPage page, int status)
    {
        ArgumentNullException.ThrowIfNull(page);
        var provenance = page.Locator("#provenance");
        bool hasTitle = await page.Locator("#film-title").CountAsync() > 0;
        bool hasRate = await page.Locator("#film-rental-rate").CountAsync() > 0;
        return new FilmPage(
            status,
            hasTitle ? (await page.Locator("#film-title").TextContentAsync())!.Trim() : "",
            await provenance.GetAttributeAsync("data-source") ?? "",
            (await page.Locator("#data-source").TextContentAsync())!.Trim(),
            await provenance.GetAttributeAsync("data-cache-node") ?? "",
            await provenance.GetAttributeAsync("data-degraded") == "true",
            await page.Locator("#cache-warning").IsVisibleAsync(),
            double.Parse(await page.Locator("#lookup-time").GetAttributeAsync("data-ms") ?? "-1", System.Globalization.CultureInfo.InvariantCulture),
            (await page.Locator("#film-actors .actor").AllTextContentsAsync()).Select(a => a.Trim()).ToList(),
            hasRate ? await page.Locator("#film-rental-rate").GetAttributeAsync("data-rate") : null,
            await provenance.EvaluateAsync<string>("e => e.outerHTML.replace(/\\s+/g, ' ')") +
                (await page.Locator("#cache-warning").CountAsync() > 0 ? " banner: " + await page.Locator("#cache-warning").TextContentAsync() : ""));
    }
}
