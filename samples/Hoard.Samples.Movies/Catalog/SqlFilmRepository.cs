using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Hoard.Samples.Movies.Catalog;

/// <summary>
/// The catalogue queries over sakila's tables (<c>film</c>, <c>language</c>, <c>category</c>,
/// <c>film_category</c>, <c>actor</c>, <c>film_actor</c>), in the SQL that SQLite and MySQL/MariaDB both
/// accept. The subclasses only say how to open a connection.
/// </summary>
public abstract class SqlFilmRepository : IFilmRepository
{
    /// <summary>The LIKE escape character; '!' rather than '\', which MySQL string literals treat specially.</summary>
    private const char LikeEscape = '!';

    public abstract string Description { get; }

    /// <summary>An open connection; the caller disposes it.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public async Task<Film?> GetFilmAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        Film? film;
        await using (var command = Command(connection,
            """
            SELECT f.film_id, f.title, f.description, f.release_year, l.name, f.rating, f.rental_rate,
                   f.rental_duration, f.replacement_cost, f.length
            FROM film f JOIN language l ON l.language_id = f.language_id
            WHERE f.film_id = @id
            """, ("@id", id)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                return null;
            film = new Film(
                Id: ToInt(reader.GetValue(0)),
                Title: reader.GetString(1),
                Description: reader.IsDBNull(2) ? "" : reader.GetString(2),
                ReleaseYear: reader.IsDBNull(3) ? null : ToInt(reader.GetValue(3)),
                // sakila's language.name is CHAR(20): MySQL trims the padding, the data file keeps it.
                Language: reader.GetString(4).Trim(),
                Categories: [],
                Rating: reader.IsDBNull(5) ? "" : reader.GetString(5),
                RentalRate: ToDecimal(reader.GetValue(6)),
                RentalDuration: ToInt(reader.GetValue(7)),
                ReplacementCost: ToDecimal(reader.GetValue(8)),
                Length: reader.IsDBNull(9) ? null : ToInt(reader.GetValue(9)),
                Actors: []);
        }

        var categories = new List<string>();
        await using (var command = Command(connection,
            """
            SELECT c.name FROM film_category fc JOIN category c ON c.category_id = fc.category_id
            WHERE fc.film_id = @id ORDER BY c.name
            """, ("@id", id)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                categories.Add(reader.GetString(0));
        }

        var actors = new List<Actor>();
        await using (var command = Command(connection,
            """
            SELECT a.actor_id, a.first_name, a.last_name FROM film_actor fa JOIN actor a ON a.actor_id = fa.actor_id
            WHERE fa.film_id = @id ORDER BY a.last_name, a.first_name, a.actor_id
            """, ("@id", id)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                actors.Add(new Actor(ToInt(reader.GetValue(0)), reader.GetString(1), reader.GetString(2)));
        }
        return film with { Categories = categories, Actors = actors };
    }

    public async Task<FilmSearchPage> SearchAsync(string query, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        string pattern = "%" + EscapeLike(query) + "%";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        int total;
        await using (var command = Command(connection, "SELECT COUNT(*) FROM film WHERE title LIKE @pattern ESCAPE '!'", ("@pattern", pattern)))
            total = ToInt(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));

        var films = new List<FilmSummary>(pageSize);
        await using (var command = Command(connection,
            """
            SELECT f.film_id, f.title, f.rating, f.release_year, f.length,
                   (SELECT MIN(c.name) FROM film_category fc JOIN category c ON c.category_id = fc.category_id
                    WHERE fc.film_id = f.film_id) AS category
            FROM film f
            WHERE f.title LIKE @pattern ESCAPE '!'
            ORDER BY f.title, f.film_id
            LIMIT @limit OFFSET @offset
            """, ("@pattern", pattern), ("@limit", pageSize), ("@offset", (long)(page - 1) * pageSize)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                films.Add(new FilmSummary(
                    Id: ToInt(reader.GetValue(0)),
                    Title: reader.GetString(1),
                    Category: reader.IsDBNull(5) ? "" : reader.GetString(5),
                    Rating: reader.IsDBNull(2) ? "" : reader.GetString(2),
                    ReleaseYear: reader.IsDBNull(3) ? null : ToInt(reader.GetValue(3)),
                    Length: reader.IsDBNull(4) ? null : ToInt(reader.GetValue(4))));
            }
        }
        return new FilmSearchPage(query, page, pageSize, total, films);
    }

    public async Task<bool> UpdateRentalRateAsync(int id, decimal rentalRate, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "UPDATE film SET rental_rate = @rate, last_update = CURRENT_TIMESTAMP WHERE film_id = @id",
            ("@rate", rentalRate), ("@id", id));
        command.Transaction = transaction;
        int rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // MySQL counts rows changed, not matched: the same rate again is 0 rows for an existing film.
        return rows > 0 || await ExistsAsync(connection, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatabaseCheck> CheckAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM film");
        int films = ToInt(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        return new DatabaseCheck(films, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The text with LIKE's wildcards and the escape character itself escaped, so it matches literally.</summary>
    internal static string EscapeLike(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '%' or '_' or LikeEscape)
                escaped.Append(LikeEscape);
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, int id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT COUNT(*) FROM film WHERE film_id = @id", ("@id", id));
        return ToInt(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) > 0;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is constant text; every value travels as a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            if (value is decimal)
                parameter.DbType = DbType.Decimal;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    // The providers differ in the CLR types they return (MySQL's INT UNSIGNED is uint, SQLite's integers are long).
    private static int ToInt(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static decimal ToDecimal(object? value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture);
}
