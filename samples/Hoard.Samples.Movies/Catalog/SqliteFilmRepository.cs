using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Hoard.Samples.Movies.Catalog;

/// <summary>The embedded catalogue: a SQLite file with sakila's film tables, generated on first start (<see cref="Generation.SqliteCatalog"/>).</summary>
public sealed class SqliteFilmRepository : SqlFilmRepository
{
    private readonly string _connectionString;

    public SqliteFilmRepository(string databasePath)
    {
        DatabasePath = databasePath;
        _connectionString = ConnectionString(databasePath, SqliteOpenMode.ReadWrite);
    }

    public string DatabasePath { get; }

    public override string Description => "sqlite " + DatabasePath;

    internal static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = true,
        // Readers and the rare writer wait for each other's locks instead of failing at once.
        DefaultTimeout = 10,
    }.ToString();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
