using System.Diagnostics;
using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// One <c>hoard server</c> process on an ephemeral loopback port, which it reports through
/// <c>MEMCACHED_PORT_FILENAME</c> (as tests/Hoard.Integration.Tests' ServerProcess reads it).
/// </summary>
public sealed class HoardNode : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly string _directory;

    private HoardNode(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string HostPort => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public bool HasExited => _process.HasExited;

    public static HoardNode Start()
    {
        string directory = Directory.CreateTempSubdirectory("hoard-movies-node-").FullName;
        string portFile = Path.Combine(directory, "ports");
        var process = ChildProcess.Start(RepositoryPaths.HoardExecutable, ["server", "-U", "0", "-l", "127.0.0.1", "-p", "0", "-m", "32"],
            new Dictionary<string, string> { ["MEMCACHED_PORT_FILENAME"] = portFile }, Path.GetTempPath());
        try
        {
            int port = WaitForPort(process, portFile);
            WarmUp(port);
            return new HoardNode(process, directory, port);
        }
        catch
        {
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Kills the node (SIGKILL): its connections break, new ones are refused.</summary>
    public void Kill() => _process.Kill();

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

    private static int WaitForPort(ChildProcess process, string portFile)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{process.CommandLine} exited before listening; output:\n{process.Output}");
            if (ReadPort(portFile) is { } port && Ports.Accepts(port))
                return port;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"{process.CommandLine} did not listen within {StartTimeout.TotalSeconds:0} s; output:\n{process.Output}");
    }

    /// <summary>One round trip, so the node's first-request compilation is not charged to a test's first lookup.</summary>
    private static void WarmUp(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        client.Connect(System.Net.IPAddress.Loopback, port);
        client.ReceiveTimeout = (int)StartTimeout.TotalMilliseconds;
        var stream = client.GetStream();
        stream.Write("set warm-up 0 0 1\r\nx\r\nget warm-up\r\n"u8);
        var reply = new System.Text.StringBuilder();
        var buffer = new byte[256];
        while (!reply.ToString().EndsWith("END\r\n", StringComparison.Ordinal))
        {
            int read = stream.Read(buffer);
            if (read == 0)
                throw new InvalidOperationException($"the node on port {port} closed the connection during the warm-up; got: {reply}");
            reply.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
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
                if (line.StartsWith(prefix, StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(prefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port > 0)
                {
                    return port;
                }
            }
        }
        catch (IOException)
        {
            // Being written; look again.
        }
        return null;
    }
}
