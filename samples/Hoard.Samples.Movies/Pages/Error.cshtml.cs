using System.Data.Common;
using Hoard.Samples.Movies.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hoard.Samples.Movies.Pages;

/// <summary>
/// What an unhandled error becomes. The cache never gets here (its failures are served from the database);
/// the database does: then the page says so, with 503, since without the source of truth there is nothing to show.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(ILogger<ErrorModel> logger) : PageModel
{
    public bool DatabaseUnavailable { get; private set; }

    public string? RequestId { get; private set; }

    public IActionResult OnGet() => Handle();

    public IActionResult OnPost() => Handle();

    private PageResult Handle()
    {
        RequestId = HttpContext.TraceIdentifier;
        var failure = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        DatabaseUnavailable = failure?.Error is DbException or TimeoutException or InvalidOperationException { InnerException: DbException };
        if (DatabaseUnavailable)
        {
            Log.DatabaseUnavailable(logger, failure!.Error, failure.Path);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
        else
        {
            Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        return Page();
    }
}
