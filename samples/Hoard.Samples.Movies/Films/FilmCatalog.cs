using System.Text.RegularExpressions;
using Hoard.Samples.Movies.Caching;
using Hoard.Samples.Movies.Catalog;
using Hoard.Samples.Movies.Configuration;
using Hoard.Samples.Movies.Diagnostics;
using Microsoft.Extensions.Options;

namespace Hoard.Samples.Movies.Films;

/// <summary>What the pages ask for: films and searches read through the cache, and the rental-rate change.</summary>
public sealed partial class FilmCatalog(IFilmRepository repository, LookAsideCache cache, CacheKeys keys, IOptions<MoviesOptions> options, ILogger<FilmCatalog> logger)
{
    public const int MaxQueryLength = 100;
    public const int MaxPage = 10_000;

    private readonly int _pageSize = options.Value.PageSize;

    public Task<CacheLookup<Film?>> GetFilmAsync(int id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("film", keys.Film(id), token => repository.GetFilmAsync(id, token), cancellationToken);

    /// <summary>One page of the films whose title contains <paramref name="query"/>; the page is clamped to 1-<see cref="MaxPage"/>.</summary>
    public Task<CacheLookup<FilmSearchPage>> SearchAsync(string? query, int page, CancellationToken cancellationToken)
    {
        string text = NormalizeQuery(query);
        page = Math.Clamp(page, 1, MaxPage);
        return cache.GetOrLoadAsync("search", keys.Search(text, page, _pageSize), token => repository.SearchAsync(text, page, _pageSize, token), cancellationToken);
    }

    /// <summary>
    /// Writes the new rate to the database and, once that has committed, deletes the film's cache key, so the
    /// next visit loads the new row. The delete runs even if the caller has gone away: the write happened.
    /// </summary>
    public async Task<RentalRateChange> ChangeRentalRateAsync(int id, decimal rentalRate, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rentalRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rentalRate, RentalRate.Max);
        bool found = await repository.UpdateRentalRateAsync(id, rentalRate, cancellationToken).ConfigureAwait(false);
        if (!found)
            return new RentalRateChange(id, rentalRate, false, null);
        var invalidation = await cache.InvalidateAsync(keys.Film(id), CancellationToken.None).ConfigureAwait(false);
        string outcome = invalidation.Error is { } error ? "delete failed: " + error : invalidation.Existed ? "deleted" : "was not cached";
        Log.RentalRateChanged(logger, id, rentalRate, invalidation.Key, invalidation.Node ?? "-", outcome);
        return new RentalRateChange(id, rentalRate, true, invalidation);
    }

    /// <summary>Trimmed, inner runs of white space made one space, at most <see cref="MaxQueryLength"/> characters.</summary>
    public static string NormalizeQuery(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
            return "";
        string text = WhiteSpace().Replace(query.Trim(), " ");
        return text.Length <= MaxQueryLength ? text : text[..MaxQueryLength];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
