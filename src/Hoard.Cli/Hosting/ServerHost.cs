using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hoard.Cli.ServerCommand;
using Hoard.Server;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli.Hosting;

/// <summary>
/// Runs a <see cref="HoardServer"/> as a process: validation, daemon, binding, port and pid files, dropping
/// root, signals. The order is memcached's: bind first (a low port may need root), then write the files,
/// then become the <c>-u</c> user, then serve.
/// </summary>
internal static partial class ServerHost
{
    public static async Task<int> RunAsync(ServerCommandLine commandLine, IReadOnlyList<string> processArguments, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var options = commandLine.Options;

        // A daemon child has the same command line; its parent already said all this on the same terminal.
        if (!Daemon.IsChild)
        {
            foreach (var warning in commandLine.Warnings)
                await error.WriteLineAsync($"hoard server: {warning}").ConfigureAwait(false);
        }

        // memcached's SASL password database is named by this environment variable; -o sasl_pwdb wins over it.
        if (options.SaslEnabled && options.SaslPasswordFile is null
            && Environment.GetEnvironmentVariable("MEMCACHED_SASL_PWDB") is { Length: > 0 } saslFile)
            options.SaslPasswordFile = saslFile;

        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
                await error.WriteLineAsync($"hoard server: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (commandLine.Daemonize && !Daemon.IsChild) return await Daemon.RunParentAsync(processArguments, error).ConfigureAwait(false);
        if (Daemon.IsChild) Daemon.DetachFromTerminal();

        // -u does something only for root, as in memcached; look the user up before binding so a typo fails fast.
        UnixUser? becomeUser = null;
        if (commandLine.User is { } userName && userName != "root" && UnixUser.ProcessIsRoot)
        {
            becomeUser = UnixUser.Find(userName);
            if (becomeUser is null)
            {
                await error.WriteLineAsync($"hoard server: can't find the user {userName} to switch to").ConfigureAwait(false);
                return ExitCodes.NoUser;
            }
        }

        using var loggerFactory = ConsoleLogging.Create(options.Verbosity);
        var logger = loggerFactory.CreateLogger("Hoard.Cli.Server");

        // Registered before binding so a signal during start-up also stops cleanly. A second signal is not
        // cancelled and ends the process at once, for a stop that hangs.
        var stopSignal = new TaskCompletionSource<PosixSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context) => context.Cancel = stopSignal.TrySetResult(context.Signal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        HoardServer server;
        try
        {
            server = new HoardServer(options, loggerFactory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException)
        {
            // A password file or certificate that cannot be used: never start without the protection asked for.
            await error.WriteLineAsync($"hoard server: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // SIGHUP re-reads the password file (-Y, -S), as a rotation of credentials needs no restart.
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            server.ReloadCredentials();
        });
        await using (server.ConfigureAwait(false))
        {
            try
            {
                await server.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                // Certificates are loaded by the constructor today; should loading move to start, the message
                // (which names the file) is still what the operator sees.
                await error.WriteLineAsync($"hoard server: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"hoard server: failed to listen: {e.Message}").ConfigureAwait(false);
                return ExitCodes.OsError;
            }

            LogListening(logger, server.TcpEndPoints, server.UdpEndPoints);
            WritePortFile(options, server, logger);
            var pidFile = WritePidFile(commandLine.PidFile, logger);
            try
            {
                if (becomeUser is not null)
                {
                    try
                    {
                        becomeUser.BecomeForGood();
                    }
                    catch (InvalidOperationException e)
                    {
                        await error.WriteLineAsync($"hoard server: {e.Message}").ConfigureAwait(false);
                        await server.StopAsync().ConfigureAwait(false);
                        return ExitCodes.OsError;
                    }

                    LogBecameUser(logger, becomeUser.Name, becomeUser.UserId, becomeUser.GroupId);
                }

                if (Daemon.IsChild) Daemon.ReportReady(keepStandardError: options.Verbosity > 0);

                var finished = await Task.WhenAny(server.Completion, stopSignal.Task).ConfigureAwait(false);
                if (finished == stopSignal.Task)
                {
                    LogStopping(logger, stopSignal.Task.Result);
                    await server.StopAsync().ConfigureAwait(false);
                }

                await server.Completion.ConfigureAwait(false);
                LogStopped(logger);
                return ExitCodes.Success;
            }
            finally
            {
                if (pidFile?.TryRemove() is { } problem) LogPidFileProblem(logger, problem);
            }
        }
    }

    private static void WritePortFile(ServerOptions options, HoardServer server, ILogger logger)
    {
        // memcached writes the file only for network listeners, not for a unix socket.
        var path = Environment.GetEnvironmentVariable(PortFile.EnvironmentVariable);
        if (string.IsNullOrEmpty(path) || options.UnixSocketPath is not null) return;
        try
        {
            PortFile.Write(path, server.TcpEndPoints, server.UdpEndPoints);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As memcached: report and keep serving.
            LogPortFileProblem(logger, path, e.Message);
        }
    }

    private static PidFile? WritePidFile(string? path, ILogger logger)
    {
        if (path is null) return null;
        try
        {
            return PidFile.Write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogPidFileProblem(logger, $"could not write pid file {path}: {e.Message}");
            return null;
        }
    }

    private static void LogListening(ILogger logger, IReadOnlyList<EndPoint> tcp, IReadOnlyList<EndPoint> udp)
    {
        if (!logger.IsEnabled(LogLevel.Information)) return;
        var tcpList = string.Join(", ", tcp);
        var udpList = udp.Count == 0 ? "off" : string.Join(", ", udp);
        LogListeningOn(logger, tcpList, udpList);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "listening on TCP {Tcp}; UDP {Udp}")]
    private static partial void LogListeningOn(ILogger logger, string tcp, string udp);

    [LoggerMessage(Level = LogLevel.Information, Message = "now running as user {User} (uid {UserId}, gid {GroupId})")]
    private static partial void LogBecameUser(ILogger logger, string user, uint userId, uint groupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Signal} received, stopping")]
    private static partial void LogStopping(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "failed to write port file {Path}: {Reason}")]
    private static partial void LogPortFileProblem(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogPidFileProblem(ILogger logger, string problem);
}
