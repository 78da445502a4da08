using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Hoard.Samples.Movies.Catalog.Generation;

/// <summary>
/// Creates the embedded SQLite catalogue on first start: sakila's film tables filled by
/// <see cref="CatalogGenerator"/>. An existing file is kept (with any rental rates changed through the app),
/// unless it was made by another version of the generator.
/// </summary>
internal static class SqliteCatalog
{
    public const string FileName = "movies.db";

    /// <summary>Stored as SQLite's user_version; bump when the schema or the generator's output changes.</summary>
    public const int SchemaVersion = 1;

    private const string Schema =
        """
        CREATE TABLE language (
          language_id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE category (
          category_id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE actor (
          actor_id INTEGER PRIMARY KEY,
          first_name TEXT NOT NULL,
          last_name TEXT NOT NULL,
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE INDEX idx_actor_last_name ON actor (last_name);
        CREATE TABLE film (
          film_id INTEGER PRIMARY KEY,
          title TEXT NOT NULL,
          description TEXT,
          release_year INTEGER,
          language_id INTEGER NOT NULL REFERENCES language (language_id),
          original_language_id INTEGER REFERENCES language (language_id),
          rental_duration INTEGER NOT NULL DEFAULT 3,
          rental_rate NUMERIC NOT NULL DEFAULT 4.99 CHECK (rental_rate >= 0 AND rental_rate < 100),
          length INTEGER,
          replacement_cost NUMERIC NOT NULL DEFAULT 19.99,
          rating TEXT DEFAULT 'G' CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
          special_features TEXT,
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE INDEX idx_title ON film (title);
        CREATE TABLE film_actor (
          actor_id INTEGER NOT NULL REFERENCES actor (actor_id),
          film_id INTEGER NOT NULL REFERENCES film (film_id),
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
          PRIMARY KEY (actor_id, film_id));
        CREATE INDEX idx_fk_film_id ON film_actor (film_id);
        CREATE TABLE film_category (
          film_id INTEGER NOT NULL REFERENCES film (film_id),
          category_id INTEGER NOT NULL REFERENCES category (category_id),
          last_update TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
          PRIMARY KEY (film_id, category_id));
        """;

    /// <summary>Makes sure <c>movies.db</c> exists in <paramref name="dataDirectory"/> and holds a current catalogue.</summary>
    public static async Task<SqliteCatalogStatus> EnsureCreatedAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var (version, films) = await ReadVersionAsync(path, cancellationToken).ConfigureAwait(false);
            if (version == SchemaVersion && films > 0)
                return new SqliteCatalogStatus(path, Created: false, films, Stopwatch.GetElapsedTime(started));
            // Made by another generator version (or cut short): its films are not the ones this version describes.
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }

        var catalog = CatalogGenerator.Generate();
        // Built under a temporary name and renamed, so a start that dies half-way leaves no half catalogue, and
        // two processes starting at once both end with the same (deterministic) file.
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        try
        {
            await WriteAsync(temporary, catalog, cancellationToken).ConfigureAwait(false);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process finished first with the same content.
            }
        }
        finally
        {
            File.Delete(temporary);
        }
        await using (var connection = new SqliteConnection(SqliteFilmRepository.ConnectionString(path, SqliteOpenMode.ReadWrite)))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // WAL: page readers are not blocked by the rental-rate writer. The mode is stored in the file.
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
        return new SqliteCatalogStatus(path, Created: true, catalog.Films.Count, Stopwatch.GetElapsedTime(started));
    }

    internal static async Task WriteAsync(string path, GeneratedCatalog catalog, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, Schema, cancellationToken, transaction).ConfigureAwait(false);

        await using (var insert = Insert(connection, transaction, "INSERT INTO language (language_id, name) VALUES (@p0, @p1)", 2))
        {
            for (int i = 0; i < catalog.Languages.Count; i++)
                await RunAsync(insert, cancellationToken, i + 1, catalog.Languages[i]).ConfigureAwait(false);
        }
        await using (var insert = Insert(connection, transaction, "INSERT INTO category (category_id, name) VALUES (@p0, @p1)", 2))
        {
            for (int i = 0; i < catalog.Categories.Count; i++)
                await RunAsync(insert, cancellationToken, i + 1, catalog.Categories[i]).ConfigureAwait(false);
        }
        await using (var insert = Insert(connection, transaction, "INSERT INTO actor (actor_id, first_name, last_name) VALUES (@p0, @p1, @p2)", 3))
        {
            foreach (var actor in catalog.Actors)
                await RunAsync(insert, cancellationToken, actor.Id, actor.FirstName, actor.LastName).ConfigureAwait(false);
        }
        await using (var film = Insert(connection, transaction,
            """
            INSERT INTO film (film_id, title, description, release_year, language_id, rental_duration, rental_rate, length, replacement_cost, rating)
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)
            """, 10))
        await using (var category = Insert(connection, transaction, "INSERT INTO film_category (film_id, category_id) VALUES (@p0, @p1)", 2))
        await using (var actor = Insert(connection, transaction, "INSERT INTO film_actor (actor_id, film_id) VALUES (@p0, @p1)", 2))
        {
            foreach (var f in catalog.Films)
            {
                await RunAsync(film, cancellationToken, f.Id, f.Title, f.Description, f.ReleaseYear, f.LanguageId, f.RentalDuration,
                    f.RentalRate, f.Length, f.ReplacementCost, f.Rating).ConfigureAwait(false);
                await RunAsync(category, cancellationToken, f.Id, f.CategoryId).ConfigureAwait(false);
                foreach (int actorId in f.ActorIds)
                    await RunAsync(actor, cancellationToken, actorId, f.Id).ConfigureAwait(false);
            }
        }
        await ExecuteAsync(connection, $"PRAGMA user_version = {SchemaVersion};", cancellationToken, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(long Version, long Films)> ReadVersionAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteFilmRepository.ConnectionString(path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        long version = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        if (version != SchemaVersion)
            return (version, 0);
        command.CommandText = "SELECT COUNT(*) FROM film;";
        return (version, (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L));
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant SQL; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        for (int i = 0; i < parameters; i++)
            command.Parameters.Add(new SqliteParameter("@p" + i, null));
        return command;
    }

    private static async Task RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (int i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i];
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
