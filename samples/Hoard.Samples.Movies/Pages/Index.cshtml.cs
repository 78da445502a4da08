using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Films;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hoard.Samples.Movies.Pages;

/// <summary>The film list: one page of films, optionally those whose title contains the search text.</summary>
public sealed class IndexModel(FilmCatalog catalog) : PageModel
{
    /// <summary>The search text (<c>?q=</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>The page number (<c>?p=</c>; Razor Pages keeps <c>page</c> for itself).</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public CacheLookup<FilmSearchPage> Result { get; private set; } = null!;

    public string SearchText => FilmCatalog.NormalizeQuery(Query);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Result = await catalog.SearchAsync(Query, PageNumber, cancellationToken);
        ViewData["Provenance"] = Result.Provenance;
    }

    /// <summary>The list's address for another page of the same search.</summary>
    public string PageLink(int page) =>
        Url.Page("/Index", new { q = SearchText.Length == 0 ? null : SearchText, p = page == 1 ? (int?)null : page })!;
}
