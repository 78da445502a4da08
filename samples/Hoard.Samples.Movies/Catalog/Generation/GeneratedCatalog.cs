namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>The rows of a generated catalogue; row i of each list has id i + 1.</summary>
internal sealed record GeneratedCatalog(
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Categories,
    IReadOnlyList<Actor> Actors,
    IReadOnlyList<GeneratedFilm> Films);
