using System.Data.Common;
using MySqlConnector;

namespace Hoard.Samples.Movies.Catalog;

/// <summary>A real sakila database on MySQL or MariaDB (seed 000's setup), through MySqlConnector; database <c>sakila</c> unless the connection string names another.</summary>
public sealed class MySqlFilmRepository : SqlFilmRepository
{
    private readonly string _connectionString;

    public MySqlFilmRepository(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Database))
            builder.Database = "sakila";
        _connectionString = builder.ConnectionString;
        Description = $"mysql {builder.Server}:{builder.Port}/{builder.Database}";
    }

    public override string Description { get; }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
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
