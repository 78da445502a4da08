namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>
/// Makes a sakila-shaped film catalogue from a seed: the same seed gives the same catalogue everywhere, so the
/// embedded mode needs nothing downloaded and every machine shows the same films.
/// </summary>
internal static class CatalogGenerator
{
    public const ulong DefaultSeed = 20060215; // sakila's last_update date
    public const int DefaultFilmCount = 1000;
    public const int ActorCount = 200;
    public const int MinActorsPerFilm = 2;
    public const int MaxActorsPerFilm = 8;

    public static GeneratedCatalog Generate(ulong seed = DefaultSeed, int filmCount = DefaultFilmCount)
    {
        int maxTitles = CatalogWords.TitleFirstWords.Length * CatalogWords.TitleSecondWords.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(filmCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(filmCount, maxTitles);
        var random = new SplitMix64(seed);
        var actors = GenerateActors(random);

        // Titles are drawn from a shuffled list of every word pair, so they are unique without retries.
        var titles = new List<string>(maxTitles);
        foreach (var first in CatalogWords.TitleFirstWords)
        {
            foreach (var second in CatalogWords.TitleSecondWords)
                titles.Add(first + " " + second);
        }
        Shuffle(titles, random);

        var films = new List<GeneratedFilm>(filmCount);
        for (int id = 1; id <= filmCount; id++)
        {
            int actorCount = random.Between(MinActorsPerFilm, MaxActorsPerFilm);
            var cast = new SortedSet<int>();
            while (cast.Count < actorCount)
                cast.Add(random.Between(1, actors.Count));
            films.Add(new GeneratedFilm(
                Id: id,
                Title: titles[id - 1],
                Description: Describe(random),
                ReleaseYear: random.Between(1980, 2024),
                // Mostly English, as a rental shop's shelves would be.
                LanguageId: random.Below(10) < 7 ? 1 : random.Between(2, CatalogWords.Languages.Length),
                CategoryId: random.Between(1, CatalogWords.Categories.Length),
                ActorIds: [.. cast],
                Rating: random.Pick(CatalogWords.Ratings),
                RentalRate: random.Pick(CatalogWords.RentalRates),
                RentalDuration: random.Between(3, 7),
                ReplacementCost: 9.99m + random.Between(0, 20),
                Length: random.Between(46, 185)));
        }
        return new GeneratedCatalog(CatalogWords.Languages, CatalogWords.Categories, actors, films);
    }

    private static List<Actor> GenerateActors(SplitMix64 random)
    {
        var names = new HashSet<(string, string)>();
        var actors = new List<Actor>(ActorCount);
        while (actors.Count < ActorCount)
        {
            var name = (random.Pick(CatalogWords.FirstNames), random.Pick(CatalogWords.LastNames));
            if (names.Add(name))
                actors.Add(new Actor(actors.Count + 1, name.Item1, name.Item2));
        }
        return actors;
    }

    private static string Describe(SplitMix64 random)
    {
        string adjective = random.Pick(CatalogWords.Adjectives);
        string article = "AEIOU".Contains(adjective[0], StringComparison.Ordinal) ? "An" : "A";
        return $"{article} {adjective} {random.Pick(CatalogWords.Forms)} of {WithArticle(random.Pick(CatalogWords.Characters))} " +
            $"And {WithArticle(random.Pick(CatalogWords.Characters))} who must {random.Pick(CatalogWords.Verbs)} " +
            $"{WithArticle(random.Pick(CatalogWords.Characters))} in {random.Pick(CatalogWords.Places)}";
    }

    private static string WithArticle(string noun) =>
        ("AEIOU".Contains(noun[0], StringComparison.Ordinal) ? "an " : "a ") + noun;

    private static void Shuffle<T>(List<T> items, SplitMix64 random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Below(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
