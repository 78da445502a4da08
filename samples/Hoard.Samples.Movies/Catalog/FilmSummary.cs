namespace Hoard.Samples.Movies.Catalog;

/// <summary>A film as the list shows it. No rental rate: the list is cached apart from the films and is not invalidated by a rate change.</summary>
public sealed record FilmSummary(int Id, string Title, string Category, string Rating, int? ReleaseYear, int? Length);
