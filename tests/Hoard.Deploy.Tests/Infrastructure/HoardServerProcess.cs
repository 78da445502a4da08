using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// A <c>hoard server</c> process on loopback for the probe tests: the apphost from <c>HOARD_BIN</c> or the
/// Release build (test.sh builds the solution first), an ephemeral port read from <c>MEMCACHED_PORT_FILENAME</c>,
/// its own temp directory, and killed on dispose whatever the test's outcome.
/// </summary>
public sealed class HoardServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HoardServerProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The server's temp directory, for files the test hands it (password files, certificates).</summary>
    public string Directory { get; }

    public int Port { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

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
        var info = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])["server", "-U", "0", "-l", "127.0.0.1", "-p", "0", .. arguments])
            info.ArgumentList.Add(argument);
        var portFile = Path.Combine(directory, "ports");
        info.Environment["MEMCACHED_PORT_FILENAME"] = portFile;
        var server = new HoardServerProcess(new Process { StartInfo = info }, directory);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
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
            if (server._process.HasExited)
                throw new InvalidOperationException($"hoard server exited with code {server._process.ExitCode} before listening:\n{server.Output}");
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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
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
