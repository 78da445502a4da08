using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Films;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hoard.Samples.Movies.Pages.Films;

/// <summary>One film, and the admin form that changes its rental rate.</summary>
public sealed class DetailsModel(FilmCatalog catalog) : PageModel
{
    public CacheLookup<Film?> Result { get; private set; } = null!;

    /// <summary>The admin form's field, kept as typed so a mistake can be shown back with the reason.</summary>
    [BindProperty]
    public string? NewRentalRate { get; set; }

    public string? RentalRateError { get; private set; }

    /// <summary>What the last change did, carried over the redirect after the form's POST.</summary>
    [TempData]
    public string? ChangeNotice { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        await LoadAsync(id, cancellationToken);
        if (Result.Value is null)
            Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostRentalRateAsync(int id, CancellationToken cancellationToken)
    {
        if (!RentalRate.TryParse(NewRentalRate, out var rate, out var error))
        {
            await LoadAsync(id, cancellationToken);
            RentalRateError = error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var change = await catalog.ChangeRentalRateAsync(id, rate, cancellationToken);
        if (!change.Found)
            return NotFound();
        ChangeNotice = Notice(change);
        // Post/redirect/get: the page after the change is an ordinary visit, which finds the key deleted.
        return RedirectToPage(new { id });
    }

    private async Task LoadAsync(int id, CancellationToken cancellationToken)
    {
        Result = await catalog.GetFilmAsync(id, cancellationToken);
        ViewData["Provenance"] = Result.Provenance;
    }

    private static string Notice(RentalRateChange change)
    {
        string rate = change.RentalRate.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var invalidation = change.Invalidation!;
        return invalidation.Error is { } error
            ? $"Rental rate changed to {rate} in the database, but deleting {invalidation.Key} from the cache failed ({error}): the old rate may show until it expires."
            : $"Rental rate changed to {rate} in the database, then {invalidation.Key} was deleted from cache node {invalidation.Node}" +
              (invalidation.Existed ? "." : " (it was not cached).");
    }
}
