namespace Hoard.Samples.Movies.Catalog;

/// <summary>Everything the film page shows: one row of sakila's <c>film</c> with its language, categories and cast.</summary>
public sealed record Film(
    int Id,
    string Title,
    string Description,
    int? ReleaseYear,
    string Language,
    IReadOnlyList<string> Categories,
    string Rating,
    decimal RentalRate,
    int RentalDuration,
    decimal ReplacementCost,
    int? Length,
    IReadOnlyList<Actor> Actors);
