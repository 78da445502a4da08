namespace Hoard.Samples.Movies.Catalog;

/// <summary>One page of the films whose title contains <see cref="Query"/> (all films when it is empty), ordered by title.</summary>
public sealed record FilmSearchPage(string Query, int Page, int PageSize, int TotalCount, IReadOnlyList<FilmSummary> Films)
{
    public int PageCount => TotalCount == 0 ? 1 : (TotalCount + PageSize - 1) / PageSize;
}
