using System.Collections.Concurrent;
using Hoard.Samples.Movies.Catalog;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// A film database in memory that counts its reads and lets a test act at the moment a write commits; for
/// the look-aside tests, which are about when the database is asked, not about SQL.
/// </summary>
public sealed class InMemoryFilmRepository : IFilmRepository
{
    private readonly ConcurrentDictionary<int, Film> _films = new();
    private int _filmReads;
    private int _searches;

    public InMemoryFilmRepository(params Film[] films)
    {
        foreach (var film in films)
            _films[film.Id] = film;
    }

    public string Description => "in memory";

    public int FilmReads => Volatile.Read(ref _filmReads);

    public int Searches => Volatile.Read(ref _searches);

    /// <summary>How long each read takes (a slow query widens the window for a stampede).</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>Runs just before a write commits (the new rate is not visible yet).</summary>
    public Func<Task>? BeforeCommit { get; set; }

    /// <summary>Runs just after a write commits.</summary>
    public Func<Task>? AfterCommit { get; set; }

    /// <summary>Makes the next writes fail as a database would.</summary>
    public Exception? WriteFailure { get; set; }

    public static Film Sample(int id, decimal rate = 2.99m) => new(
        id, $"FILM {id}", "A test film", 2006, "English", ["Drama"], "PG", rate, 5, 19.99m, 100,
        [new Actor(1, "PENELOPE", "GUINESS"), new Actor(2, "NICK", "WAHLBERG")]);

    public async Task<Film?> GetFilmAsync(int id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _filmReads);
        if (ReadDelay > TimeSpan.Zero)
            await Task.Delay(ReadDelay, cancellationToken);
        return _films.TryGetValue(id, out var film) ? film : null;
    }

    public async Task<FilmSearchPage> SearchAsync(string query, int page, int pageSize, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _searches);
        if (ReadDelay > TimeSpan.Zero)
            await Task.Delay(ReadDelay, cancellationToken);
        var matches = _films.Values.Where(f => f.Title.Contains(query, StringComparison.OrdinalIgnoreCase)).OrderBy(f => f.Title, StringComparer.Ordinal).ToList();
        var rows = matches.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(f => new FilmSummary(f.Id, f.Title, f.Categories.FirstOrDefault() ?? "", f.Rating, f.ReleaseYear, f.Length)).ToList();
        return new FilmSearchPage(query, page, pageSize, matches.Count, rows);
    }

    public async Task<bool> UpdateRentalRateAsync(int id, decimal rentalRate, CancellationToken cancellationToken)
    {
        if (WriteFailure is { } failure)
            throw failure;
        if (!_films.TryGetValue(id, out var film))
            return false;
        if (BeforeCommit is { } before)
            await before();
        _films[id] = film with { RentalRate = rentalRate };
        if (AfterCommit is { } after)
            await after();
        return true;
    }

    public Task<DatabaseCheck> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(new DatabaseCheck(_films.Count, TimeSpan.Zero));
}
