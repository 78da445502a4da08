using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// One server process (hoard or memcached, see <see cref="TestServer"/>) on an ephemeral loopback port.
/// The port is read from the file named by <c>MEMCACHED_PORT_FILENAME</c> (<c>TCP INET: 12345</c>); the
/// process is killed, with any children, on <see cref="Dispose"/> whether the test passed or not, and on
/// test-host exit as a last resort.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    public const int SigHup = ChildProcess.SigHup;
    public const int SigInt = ChildProcess.SigInt;
    public const int SigTerm = ChildProcess.SigTerm;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _process;
    private readonly string _directory;
    private bool _disposed;

    private ServerProcess(ChildProcess process, string directory, IReadOnlyList<string> arguments)
    {
        _process = process;
        _directory = directory;
        Arguments = arguments;
    }

    public int Port { get; private set; }

    public int Pid => _process.Pid;

    /// <summary>The UDP port from the port file (<c>UDP INET: 12346</c>); 0 when the server serves no UDP.</summary>
    public int UdpPort => ReadPortFile("UDP INET:");

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Path of the port file the server wrote.</summary>
    public string PortFile => Path.Combine(_directory, "ports");

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server with the base arguments followed by <paramref name="extraArguments"/>.</summary>
    /// <summary>Starts a server listening on a unix socket at <paramref name="path"/> (<c>-s</c>) instead of TCP.</summary>
    public static ServerProcess StartUnix(string path, params string[] extraArguments)
    {
        UnixSocketToWaitFor.Value = path;
        try
        {
            return Start(["-s", path, .. extraArguments]);
        }
        finally
        {
            UnixSocketToWaitFor.Value = null;
        }
    }

    private static readonly AsyncLocal<string?> UnixSocketToWaitFor = new();

    /// <summary>The unix socket the server listens on, when started with <see cref="StartUnix"/>.</summary>
    public string? UnixSocketPath { get; private set; }

    public static ServerProcess Start(params string[] extraArguments) =>
        Start(new Dictionary<string, string>(), extraArguments);

    /// <summary>As <see cref="Start(string[])"/>, with extra environment variables for the server process.</summary>
    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] extraArguments)
    {
        var executable = TestServer.Executable; // throws a clear message when the apphost is missing
        var directory = Directory.CreateTempSubdirectory("hoard-it-").FullName;
        var arguments = TestServer.BaseArguments.Concat(extraArguments).ToList();
        var serverEnvironment = new Dictionary<string, string> { ["MEMCACHED_PORT_FILENAME"] = Path.Combine(directory, "ports") };
        foreach (var (name, value) in environment)
            serverEnvironment[name] = value;

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(executable, arguments, serverEnvironment);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        var server = new ServerProcess(process, directory, arguments) { UnixSocketPath = UnixSocketToWaitFor.Value };
        try
        {
            server.WaitUntilListening();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Opens a raw text-protocol connection to this server.</summary>
    public TextClient Connect() => TextClient.Connect(Port);

    /// <summary>Sends a POSIX signal to the server process.</summary>
    public void Signal(int signal) => _process.Signal(signal);

    /// <summary>Waits for the process to exit; returns its exit code, or null on timeout.</summary>
    public int? WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public string Describe() =>
        $"{TestServer.Executable} {string.Join(' ', Arguments)} (pid {_process.Pid}, port {Port}); output:\n{Output}";

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.WaitForExit(TimeSpan.Zero) is { } exitCode)
            {
                throw new InvalidOperationException(
                    $"Server exited with code {exitCode} before listening: {Describe()}");
            }
            if (UnixSocketPath is { } socketPath)
            {
                if (CanConnectUnix(socketPath))
                    return;
            }
            else
            {
                if (Port == 0)
                    Port = ReadPortFile("TCP INET:");
                if (Port != 0 && CanConnect(Port))
                    return;
            }
            Thread.Sleep(20);
        }
        throw new TimeoutException($"Server did not listen within {StartTimeout.TotalSeconds}s: {Describe()}");
    }

    private int ReadPortFile(string prefix)
    {
        try
        {
            if (!File.Exists(PortFile))
                return 0;
            foreach (var line in File.ReadAllLines(PortFile))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal) &&
                    int.TryParse(line.AsSpan(prefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
                    port > 0)
                {
                    return port;
                }
            }
        }
        catch (IOException)
        {
            // Being written; try again.
        }
        return 0;
    }

    private static bool CanConnectUnix(string path)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
