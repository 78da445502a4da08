using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hoard.Server;

namespace Hoard.Client.Tests.Connections;

/// <summary>A server the client tests talk to: Hoard in process, or a memcached 1.6 process.</summary>
public interface ITestServer : IAsyncDisposable
{
    string Address { get; }
}

public enum ServerKind
{
    Hoard,
    Memcached,
}

public static class TestServers
{
    public static async Task<ITestServer> StartAsync(ServerKind kind) => kind switch
    {
        ServerKind.Hoard => await InProcessHoard.StartAsync(),
        _ => MemcachedProcess.Start(),
    };

    public static async Task<ITestServer[]> StartManyAsync(ServerKind kind, int count)
    {
        var servers = new ITestServer[count];
        for (int i = 0; i < count; i++)
            servers[i] = await StartAsync(kind);
        return servers;
    }
}

internal sealed class InProcessHoard : ITestServer
{
    private readonly HoardServer _server;

    private InProcessHoard(HoardServer server) => _server = server;

    public string Address => "127.0.0.1:" + ((IPEndPoint)_server.TcpEndPoints[0]).Port.ToString(CultureInfo.InvariantCulture);

    public static async Task<InProcessHoard> StartAsync()
    {
        var server = new HoardServer(new ServerOptions { Port = 0, Threads = 1, MemoryLimitBytes = 64L * 1024 * 1024 });
        await server.StartAsync();
        return new InProcessHoard(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>memcached 1.6 (Debian's /usr/bin/memcached) on a free loopback port, killed on dispose.</summary>
internal sealed class MemcachedProcess : ITestServer
{
    private readonly Process _process;
    private readonly string _directory;

    private MemcachedProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public int ProcessId => _process.Id;

    public static MemcachedProcess Start()
    {
        const string Binary = "/usr/bin/memcached";
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's memcached (test.sh does)");
        var directory = Directory.CreateTempSubdirectory("hoard-client-mc-").FullName;
        var portFile = Path.Combine(directory, "ports");
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-u", "root", "-l", "127.0.0.1", "-p", "-1", "-U", "0", "-t", "1", "-m", "64" })
            info.ArgumentList.Add(argument);
        info.Environment["MEMCACHED_PORT_FILENAME"] = portFile;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start memcached");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(portFile))
            {
                foreach (var line in File.ReadAllLines(portFile))
                {
                    if (line.StartsWith("TCP INET: ", StringComparison.Ordinal))
                        return new MemcachedProcess(process, directory, int.Parse(line["TCP INET: ".Length..], CultureInfo.InvariantCulture));
                }
            }
            if (process.HasExited)
                break;
            Thread.Sleep(20);
        }
        process.Kill();
        process.WaitForExit(5000);
        string error = process.StandardError.ReadToEnd();
        process.Dispose();
        throw new InvalidOperationException("memcached did not report its port: " + error);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
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
        return ValueTask.CompletedTask;
    }
}
