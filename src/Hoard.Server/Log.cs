using Microsoft.Extensions.Logging;

namespace Hoard.Server;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, object endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {Id} from {Remote} opened")]
    public static partial void ConnectionOpened(ILogger logger, long id, System.Net.EndPoint? remote);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Connection {Id} closed")]
    public static partial void ConnectionClosed(ILogger logger, long id);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Refused a connection: {Current} of {Max} connections open (-c)")]
    public static partial void ConnectionRefused(ILogger logger, long current, int max);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Connection {Id} failed")]
    public static partial void ConnectionFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Accept failed on {EndPoint}")]
    public static partial void AcceptFailed(ILogger logger, string endPoint, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Shutting down: {Reason}")]
    public static partial void ShuttingDown(ILogger logger, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Connection {Id} idle for {Seconds}s, closed (idle_timeout)")]
    public static partial void IdleClosed(ILogger logger, long id, long seconds);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "UDP port {Port} requested, but Hoard does not serve UDP yet; UDP stays off")]
    public static partial void UdpNotSupported(ILogger logger, int port);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "<{Id} {Command}")]
    public static partial void Command(ILogger logger, long id, string command);

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "Worker {Worker} stopped after an unexpected error")]
    public static partial void WorkerFailed(ILogger logger, string worker, Exception exception);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Authentication failed for user '{User}'")]
    public static partial void AuthenticationFailed(ILogger logger, string user);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Reloaded password file {Path}: {Count} entries")]
    public static partial void CredentialsReloaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Could not reload password file {Path}, the previous users stay in force: {Reason}")]
    public static partial void CredentialsReloadFailed(ILogger logger, string path, string reason);
}
