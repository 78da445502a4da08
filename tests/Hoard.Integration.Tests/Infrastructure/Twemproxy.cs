using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// twemproxy (Debian's <c>nutcracker</c>) in front of test servers, with <c>hash: md5</c> and
/// <c>distribution: ketama</c>, on an ephemeral loopback port; killed on dispose.
/// </summary>
public sealed class Twemproxy : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Twemproxy(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <param name="executable">The nutcracker binary.</param>
    /// <param name="servers">HOST:PORT:WEIGHT entries, in order.</param>
    public static Twemproxy Start(string executable, IEnumerable<string> servers)
    {
        var directory = Directory.CreateTempSubdirectory("hoard-twemproxy-").FullName;
        var port = FreePort();
        var statsPort = FreePort();
        var config = Path.Combine(directory, "nutcracker.yml");
        File.WriteAllText(config,
            "hoard:\n" +
            $"  listen: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}\n" +
            "  hash: md5\n" +
            "  distribution: ketama\n" +
            "  auto_eject_hosts: false\n" +
            "  timeout: 5000\n" +
            "  servers:\n" +
            string.Concat(servers.Select(s => $"   - {s}\n")));
        var info = ChildProcess.StartInfo(executable,
            ["-c", config, "-s", statsPort.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(directory, "log")]);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nutcracker");
        var proxy = new Twemproxy(process, directory, port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(directory, "log")) ? File.ReadAllText(Path.Combine(directory, "log")) : "";
                proxy.Dispose();
                throw new InvalidOperationException($"nutcracker exited with {process.ExitCode}: {log}");
            }
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(IPAddress.Loopback, port);
                return proxy;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
