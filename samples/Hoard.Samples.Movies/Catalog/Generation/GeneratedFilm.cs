namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>One film of the generated catalogue, as it goes into sakila's tables (ids are 1-based, as there).</summary>
internal sealed record GeneratedFilm(
    int Id,
    string Title,
    string Description,
    int ReleaseYear,
    int LanguageId,
    int CategoryId,
    IReadOnlyList<int> ActorIds,
    string Rating,
    decimal RentalRate,
    int RentalDuration,
    decimal ReplacementCost,
    int Length);
