namespace Hoard.Samples.Movies.Catalog;

/// <summary>The outcome of asking the database a question that needs it to be up (how many films it holds).</summary>
public sealed record DatabaseCheck(int FilmCount, TimeSpan Elapsed);
