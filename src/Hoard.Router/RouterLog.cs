using Microsoft.Extensions.Logging;

namespace Hoard.Router;

internal static partial class RouterLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Upstream {Server} marked down (TKO) after {Failures} failures in a row: {Reason}")]
    public static partial void ServerTko(ILogger logger, string server, int failures, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Upstream {Server} answered a probe: back in service")]
    public static partial void ServerBack(ILogger logger, string server);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Probe of {Server} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Config {Path} loaded: {Pools} pools, {Servers} servers")]
    public static partial void ConfigLoaded(ILogger logger, string path, int pools, int servers);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Config {Path} not loaded, the previous config keeps serving: {Reason}")]
    public static partial void ConfigRejected(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Router listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Delete of {Key} to {Server} not delivered ({Reason}); logged for replay")]
    public static partial void DeleteLogged(ILogger logger, string key, string server, string reason);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Replayed {Count} logged deletes to {Server}")]
    public static partial void DeletesReplayed(ILogger logger, int count, string server);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Pool {Pool} now has {Count} servers: {Servers}")]
    public static partial void PoolChanged(ILogger logger, string pool, int count, string servers);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Discovery for pool {Pool} failed: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Client connection {Id} failed")]
    public static partial void ConnectionFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Connection refused: {Current} client connections open (limit {Limit})")]
    public static partial void ConnectionRefused(ILogger logger, int current, int limit);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Router shutting down: {Reason}")]
    public static partial void ShuttingDown(ILogger logger, string reason);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Delete log {Path}: {Reason}")]
    public static partial void DeleteLogProblem(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "Prometheus metrics on http://{Prefix}/metrics")]
    public static partial void MetricsListening(ILogger logger, string prefix);

    [LoggerMessage(EventId = 115, Level = LogLevel.Critical, Message = "Front thread {Name} failed; its connections are closed")]
    public static partial void LoopFailed(ILogger logger, string name, Exception exception);
}
