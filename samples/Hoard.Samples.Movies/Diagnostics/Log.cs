
namespace Hoard.Samples.Movies.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cache unavailable for {Key} (node {Node}): {Error}; served from the database")]
    public static partial void CacheUnavailable(ILogger logger, string key, string node, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not delete {Key} from node {Node} after a database write: {Error}; the old value may be served until it expires")]
    public static partial void InvalidationFailed(ILogger logger, string key, string node, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Generated the film catalogue: {Films} films in {Path} ({Milliseconds:0} ms)")]
    public static partial void CatalogGenerated(ILogger logger, long films, string path, double milliseconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Using the film catalogue in {Path} ({Films} films)")]
    public static partial void CatalogFound(ILogger logger, string path, long films);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Movies sample listening on {Urls}; data: {Database}; cache servers: {Servers}")]
    public static partial void Started(ILogger logger, string urls, string database, string servers);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Rental rate of film {FilmId} set to {RentalRate}; cache key {Key} on {Node}: {Outcome}")]
    public static partial void RentalRateChanged(ILogger logger, int filmId, decimal rentalRate, string key, string node, string outcome);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Database unavailable while serving {Path}")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception, string path);
}
