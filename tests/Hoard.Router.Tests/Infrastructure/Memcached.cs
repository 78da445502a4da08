using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hoard.Router.Tests.Infrastructure;

/// <summary>
/// A memcached 1.6 process (Debian's /usr/bin/memcached) on a loopback port, killed on dispose. The port is
/// chosen up front so a test can kill the server and start a new one on the same address (a server "coming back").
/// </summary>
public sealed class Memcached : IAsyncDisposable
{
    private Process? _process;

    private Memcached(int port) => Port = port;

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public bool IsRunning => _process is { HasExited: false };

    public static Memcached Start(int? port = null)
    {
        var server = new Memcached(port ?? FreePort());
        server.Restart();
        return server;
    }

    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Starts memcached on <see cref="Port"/> (again, after <see cref="Kill"/>), waiting until it accepts connections.</summary>
    public void Restart()
    {
        const string Binary = "/usr/bin/memcached";
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's memcached (test.sh does)");
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-u", "root", "-l", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "0", "-t", "1", "-m", "64", "-c", "4096" })
            info.ArgumentList.Add(argument);
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start memcached");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"memcached on port {Port} exited: {_process.StandardError.ReadToEnd()}");
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        throw new InvalidOperationException($"memcached did not listen on port {Port} within 10 s");
    }

    public void Kill()
    {
        if (_process is null)
            return;
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
