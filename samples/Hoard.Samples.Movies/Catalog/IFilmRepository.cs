namespace Hoard.Samples.Movies.Catalog;

/// <summary>
/// The film catalogue in its database (the source of truth). Two implementations over the same sakila tables:
/// the generated SQLite catalogue and a real MySQL/MariaDB sakila database.
/// </summary>
public interface IFilmRepository
{
    /// <summary>What the data comes from, for the health report and the start-up log (no secrets).</summary>
    string Description { get; }

    /// <summary>The film with its categories and actors, or null when there is no such film.</summary>
    Task<Film?> GetFilmAsync(int id, CancellationToken cancellationToken);

    /// <summary>Films whose title contains <paramref name="query"/> (case-insensitive), one page of them.</summary>
    Task<FilmSearchPage> SearchAsync(string query, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>Sets the film's rental rate and commits; false when there is no such film.</summary>
    Task<bool> UpdateRentalRateAsync(int id, decimal rentalRate, CancellationToken cancellationToken);

    /// <summary>Counts the films: proves the database answers.</summary>
    Task<DatabaseCheck> CheckAsync(CancellationToken cancellationToken);
}
