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

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "<{Id} binary {Command}")]
    public static partial void BinaryCommand(ILogger logger, long id, string command);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "TLS certificate from {Path} in use for new connections: {Subject}, serial {Serial}, valid until {NotAfter:u}")]
    public static partial void TlsCertificateLoaded(ILogger logger, string path, string subject, string serial, DateTime notAfter);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Could not reload the TLS certificates, the previous ones stay in use: {Reason}")]
    public static partial void TlsCertificateReloadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Debug, Message = "Connection {Id}: TLS handshake failed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 43, Level = LogLevel.Debug, Message = "Connection {Id}: no TLS handshake within {Seconds}s, closed")]
    public static partial void TlsHandshakeTimedOut(ILogger logger, long id, double seconds);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Listening on {EndPoint} (TLS)")]
    public static partial void ListeningWithTls(ILogger logger, object endPoint);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Listening on UDP {EndPoint}")]
    public static partial void ListeningUdp(ILogger logger, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 51, Level = LogLevel.Debug, Message = "UDP datagram of {Length} bytes from {Remote} dropped: {Reason}")]
    public static partial void UdpDatagramDropped(ILogger logger, int length, System.Net.EndPoint remote, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Debug, Message = "UDP request {RequestId} from {Remote}: reply cut at {Limit} bytes")]
    public static partial void UdpReplyTruncated(ILogger logger, int requestId, System.Net.EndPoint remote, int limit);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "UDP receive on {EndPoint} failed")]
    public static partial void UdpReceiveFailed(ILogger logger, System.Net.EndPoint endPoint, Exception exception);

    [LoggerMessage(EventId = 54, Level = LogLevel.Error, Message = "UDP request from {Remote} failed")]
    public static partial void UdpRequestFailed(ILogger logger, System.Net.EndPoint remote, Exception exception);

    [LoggerMessage(EventId = 55, Level = LogLevel.Debug, Message = "UDP reply to {Remote} not sent: {Error}")]
    public static partial void UdpSendFailed(ILogger logger, System.Net.EndPoint remote, System.Net.Sockets.SocketError error);
}
