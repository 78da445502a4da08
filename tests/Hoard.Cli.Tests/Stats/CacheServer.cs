using System.Diagnostics;
using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Cli.Tests.Stats;

/// <summary>
/// A hoard server or a memcached 1.6 on an ephemeral loopback port, learned from the port file both write
/// when <c>MEMCACHED_PORT_FILENAME</c> is set; killed when the test ends.
/// </summary>
public sealed class CacheServer : IDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private CacheServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string HostPort => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public int Pid => _process.Pid;

    /// <summary>hoard server: loopback, no UDP, any free port (<c>-p 0</c>).</summary>
    public static CacheServer StartHoard() =>
        Start(HoardApphost.Executable, ["server", "-U", "0", "-l", "127.0.0.1", "-p", "0", "-m", "16"]);

    /// <summary>memcached: as root it needs <c>-u root</c>; <c>-p -1</c> is its "any free port" (its -p 0 turns TCP off).</summary>
    public static CacheServer StartMemcached()
    {
        var binary = Environment.GetEnvironmentVariable("MEMCACHED_BIN") is { Length: > 0 } m ? m : "/usr/bin/memcached";
        if (!File.Exists(binary))
            throw new InvalidOperationException($"{binary} is not installed (test.sh installs Debian's memcached).");
        return Start(binary, ["-u", "root", "-U", "0", "-l", "127.0.0.1", "-p", "-1", "-m", "16"]);
    }

    public TextConnection Connect() => TextConnection.Open(Port);

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static CacheServer Start(string fileName, string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("hoard-cli-test-").FullName;
        var portFile = Path.Combine(directory, "ports");
        var process = ChildProcess.Start(fileName, arguments, new Dictionary<string, string> { ["MEMCACHED_PORT_FILENAME"] = portFile });
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{fileName} exited before listening: {process.Output}");
                if (ReadPort(portFile) is { } port && TextConnection.CanConnect(port))
                    return new CacheServer(process, directory, port);
                Thread.Sleep(20);
            }
            throw new TimeoutException($"{fileName} did not listen within 30 s: {process.Output}");
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static int? ReadPort(string portFile)
    {
        try
        {
            if (!File.Exists(portFile))
                return null;
            foreach (var line in File.ReadAllLines(portFile))
            {
                const string prefix = "TCP INET:";
                if (line.StartsWith(prefix, StringComparison.Ordinal) &&
                    int.TryParse(line.AsSpan(prefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0)
                {
                    return port;
                }
            }
        }
        catch (IOException)
        {
            // Being written.
        }
        return null;
    }
}
