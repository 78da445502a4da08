using Microsoft.Extensions.Logging;

namespace Hoard.Client.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cache server {Server} ejected for {RetrySeconds} s after {Failures} consecutive failures: {Reason}")]
    public static partial void Ejected(ILogger logger, string server, double retrySeconds, int failures, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connection to cache server {Server} failed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Cache servers changed: {Count} servers ({Servers})")]
    public static partial void ServersChanged(ILogger logger, int count, string servers);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Cache server discovery failed; the last list stays in use: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, string reason);
}
