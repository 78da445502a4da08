using System.Globalization;
using System.Net;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// Five simulated machines on one bridge: three cache servers (10.251.0.11-13, port 11211), a router
/// (10.251.0.20, port 5000) with a delete log, and a client host (10.251.0.30) for the load. The servers are
/// <c>hoard server</c>, or memcached with <c>HOARD_TEST_SERVER=memcached</c>; the router is always
/// <c>hoard router</c>. Every address and port is private to the test's namespaces, so the fixed ports cannot
/// collide with anything on the machine. Dispose kills every process it started and deletes the namespaces.
/// </summary>
public sealed class MultiHostCluster : IDisposable
{
    public const int ServerPort = 11211;
    public const int RouterPort = 5000;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly VirtualNetwork _network;
    private readonly string _directory;
    private readonly HostProcess?[] _servers;
    private readonly List<HostProcess> _started = [];
    private HostProcess? _router;
    private TextClient? _observer;

    private MultiHostCluster(VirtualNetwork network, string directory, RouterSettings settings)
    {
        _network = network;
        _directory = directory;
        Settings = settings;
        ServerHosts = [network.AddHost("s1", 11), network.AddHost("s2", 12), network.AddHost("s3", 13)];
        RouterHost = network.AddHost("router", 20);
        ClientHost = network.AddHost("client", 30);
        _servers = new HostProcess?[ServerHosts.Count];
    }

    public RouterSettings Settings { get; }

    public IReadOnlyList<NetworkHost> ServerHosts { get; }

    public NetworkHost RouterHost { get; }

    public NetworkHost ClientHost { get; }

    public IPEndPoint RouterEndPoint => new(RouterHost.Address, RouterPort);

    public string DeleteLogPath => Path.Combine(_directory, "deletes.log");

    public HostProcess Server(int index) => _servers[index] ?? throw new InvalidOperationException($"server {index + 1} is not running");

    public IPEndPoint ServerEndPoint(int index) => new(ServerHosts[index].Address, ServerPort);

    /// <summary>Builds the network, starts the three servers and then the router, and waits until all of them listen.</summary>
    public static MultiHostCluster Start(RouterSettings settings)
    {
        var network = VirtualNetwork.Create();
        string directory;
        try
        {
            directory = Directory.CreateTempSubdirectory("hoard-multihost-").FullName;
        }
        catch
        {
            network.Dispose();
            throw;
        }
        MultiHostCluster? cluster = null;
        try
        {
            cluster = new MultiHostCluster(network, directory, settings);
            // Started together, waited for together: each takes a second or more to start on a busy machine.
            for (int i = 0; i < cluster.ServerHosts.Count; i++)
                cluster._servers[i] = cluster.Launch(cluster.ServerHosts[i], ServerProgram(cluster.ServerHosts[i].Address));
            for (int i = 0; i < cluster.ServerHosts.Count; i++)
                cluster.Server(i).WaitUntilListening(cluster.ServerEndPoint(i), StartLimit);
            cluster.StartRouter();
            return cluster;
        }
        catch
        {
            if (cluster is not null)
                cluster.Dispose();
            else
                network.Dispose();
            throw;
        }
    }

    /// <summary>A text-protocol connection from the client host to the router.</summary>
    public TextClient ConnectToRouter() => NetworkNamespace.Connect(ClientHost, RouterHost.Address, RouterPort);

    /// <summary>A text-protocol connection from the client host to any address.</summary>
    public TextClient ConnectFromClient(IPEndPoint endPoint) => NetworkNamespace.Connect(ClientHost, endPoint.Address, endPoint.Port);

    /// <summary>A connection from the router host straight to a server, bypassing the router: to see what a server really holds.</summary>
    public TextClient ConnectToServer(int index) => NetworkNamespace.Connect(RouterHost, ServerHosts[index].Address, ServerPort);

    /// <summary>The router's <c>stats</c>, over a connection from the client host kept for polling.</summary>
    public Dictionary<string, string> RouterStats() => Observer().Stats();

    /// <summary>The router's view of server <paramref name="index"/> (<c>stats servers</c>).</summary>
    public UpstreamStatus Upstream(int index)
    {
        string name = ServerEndPoint(index).ToString();
        var servers = Observer().Stats("servers");
        return servers.TryGetValue(name, out var value)
            ? UpstreamStatus.Parse(name, value)
            : throw new InvalidOperationException($"stats servers has no line for {name}: {string.Join(", ", servers.Keys)}");
    }

    /// <summary>Runs <c>hoard bench</c> (Hoard.Client) on the client host against the three servers directly, niced so it cannot starve them.</summary>
    public HostProcess StartBench(int seconds, int concurrency, int keys)
    {
        string servers = string.Join(',', Enumerable.Range(0, ServerHosts.Count).Select(i => ServerEndPoint(i).ToString()));
        return Launch(ClientHost, ["/usr/bin/nice", "-n", "10", HoardLocate.Apphost(), "bench", "--servers", servers,
            "--duration", Text(seconds), "--concurrency", Text(concurrency), "--keys", Text(keys)]);
    }

    public void Cut(int index) => _network.Cut(ServerHosts[index]);

    public void Restore(int index) => _network.Restore(ServerHosts[index]);

    /// <summary>SIGKILL to server <paramref name="index"/>'s process; its host stays on the network.</summary>
    public void KillServer(int index) => Server(index).Kill();

    /// <summary>Kills every process (router first, so it logs no storm of failures), then deletes the namespaces and the directory.</summary>
    public void Dispose()
    {
        _observer?.Dispose();
        _observer = null;
        _router?.Dispose();
        foreach (var process in _started)
            process.Dispose();
        try
        {
            _network.Dispose();
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>What is still there after <see cref="Dispose"/>: processes not gone, namespaces not deleted. Empty when all is clean.</summary>
    public IReadOnlyList<string> Leftovers()
    {
        var left = _started.Where(p => !p.IsGone).Select(p => $"pid {p.Pid} still exists: {p.CommandLine}").ToList();
        var listed = IpCommand.Namespaces();
        left.AddRange(listed.Where(n => n.StartsWith(_network.Prefix + "-", StringComparison.Ordinal)).Select(n => $"namespace {n} still exists"));
        return left;
    }

    /// <summary>Describes every process with its output, for failure messages.</summary>
    public string Describe() => string.Join("\n\n", _started.Select(p => p.Describe()));

    private void StartRouter()
    {
        string config = Path.Combine(_directory, "router.json");
        string servers = string.Join(", ", Enumerable.Range(0, ServerHosts.Count).Select(i => $"\"{ServerEndPoint(i)}\""));
        File.WriteAllText(config, $$"""{ "pools": { "A": { "servers": [{{servers}}] } }, "route": "PoolRoute|A" }""");
        _router = Launch(RouterHost, [HoardLocate.Apphost(), "router", "--config", config, "-p", Text(RouterPort), "-l", RouterHost.Address.ToString(),
            "-t", "1", "--delete-log", DeleteLogPath, .. Settings.Arguments]);
        _router.WaitUntilListening(RouterEndPoint, StartLimit);
    }

    private static string[] ServerProgram(IPAddress address) => TestServer.IsMemcached
        ? [TestServer.Executable, "-u", "root", "-U", "0", "-l", address.ToString(), "-p", Text(ServerPort), "-t", "1", "-m", "64"]
        : [HoardLocate.Apphost(), "server", "-U", "0", "-l", address.ToString(), "-p", Text(ServerPort), "-t", "1", "-m", "64"];

    private HostProcess Launch(NetworkHost host, string[] commandLine)
    {
        var process = HostProcess.Start(host, commandLine[0], commandLine[1..]);
        _started.Add(process);
        return process;
    }

    private TextClient Observer() => _observer ??= ConnectToRouter();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
