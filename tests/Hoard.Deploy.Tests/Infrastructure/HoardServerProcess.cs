using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// A <c>hoard server</c> process on loopback for the probe tests: the apphost from <c>HOARD_BIN</c> or the
/// Release build (test.sh builds the solution first), an ephemeral port read from <c>MEMCACHED_PORT_FILENAME</c>,
/// its own temp directory, and killed on dispose whatever the test's outcome.
/// </summary>
public sealed class HoardServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private HoardServerProcess(ChildProcess process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The server's temp directory, for files the test hands it (password files, certificates).</summary>
    public string Directory { get; }

    public int Port { get; private set; }

    public string Output => _process.Output;

    public static string Executable
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("HOARD_BIN");
            if (!string.IsNullOrEmpty(fromEnvironment))
                return fromEnvironment;
            var path = Repository.PathOf("src/Hoard.Cli/bin/Release/net10.0/hoard");
            if (!File.Exists(path))
                throw new InvalidOperationException($"The hoard apphost {path} does not exist: build it (dotnet build Hoard.sln -c Release) or set HOARD_BIN.");
            return path;
        }
    }

    /// <summary>A new temp directory for a server about to start (files are written there before <see cref="Start"/>).</summary>
    public static string CreateDirectory() => System.IO.Directory.CreateTempSubdirectory("hoard-deploy-").FullName;

    /// <summary>Starts <c>hoard server -U 0 -l 127.0.0.1 -p 0</c> followed by <paramref name="arguments"/>, in <paramref name="directory"/>.</summary>
    public static HoardServerProcess Start(string directory, params string[] arguments)
    {
        var portFile = Path.Combine(directory, "ports");
        var process = ChildProcess.Start(Executable, ["server", "-U", "0", "-l", "127.0.0.1", "-p", "0", .. arguments],
            new Dictionary<string, string> { ["MEMCACHED_PORT_FILENAME"] = portFile }, workingDirectory: directory);
        var server = new HoardServerProcess(process, directory);
        try
        {
            server.Port = WaitForPort(server, portFile);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>A TCP port that was free a moment ago (for a second listener given by number).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int WaitForPort(HoardServerProcess server, string portFile)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (server._process.WaitForExit(TimeSpan.Zero) is { } exitCode)
                throw new InvalidOperationException($"hoard server exited with code {exitCode} before listening:\n{server.Output}");
            if (File.Exists(portFile))
            {
                foreach (var line in File.ReadAllLines(portFile))
                {
                    if (line.StartsWith("TCP INET:", StringComparison.Ordinal))
                        return int.Parse(line["TCP INET:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"hoard server did not report its port within {StartTimeout.TotalSeconds}s:\n{server.Output}");
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
