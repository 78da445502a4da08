using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using DnsClient;

namespace Hoard.Client.Tests.Discovery;

/// <summary>An SRV record as dnsmasq's <c>--srv-host</c> takes it.</summary>
public sealed record SrvEntry(string Target, int Port, int Priority = 0, int Weight = 0);

/// <summary>
/// Debian's dnsmasq on a free loopback port, answering only for the records given here (no upstream, no
/// /etc/hosts; authoritative for cluster.local and test, as a cluster's DNS is for its domain). A and AAAA records live in an addn-hosts file that dnsmasq re-reads on SIGHUP; SRV records
/// (<c>srv-host</c>) are read only at start, so changing them restarts dnsmasq on the same port. Killed by pid
/// on dispose.
/// </summary>
public sealed partial class DnsmasqServer : IDisposable
{
    public const string Binary = "/usr/sbin/dnsmasq";

    private readonly string _directory;
    private readonly string _hostsFile;
    private readonly string _confFile;
    private readonly StringBuilder _log = new();
    private Process? _process;
    private string _srvLines = "";
    private string _extraConf = "";

    private DnsmasqServer(string directory, int port)
    {
        _directory = directory;
        _hostsFile = Path.Combine(directory, "hosts");
        _confFile = Path.Combine(directory, "dnsmasq.conf");
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Starts dnsmasq serving <paramref name="hosts"/> (address, names), SRV records per name
    /// (<paramref name="srv"/>) and <paramref name="extraConf"/>: more dnsmasq.conf lines (e.g. <c>cname=</c>), kept across restarts.</summary>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<(string Address, string[] Names)> hosts, IReadOnlyDictionary<string, SrvEntry[]>? srv = null, string extraConf = "")
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's dnsmasq-base (test.sh does)");
        var directory = Directory.CreateTempSubdirectory("hoard-dnsmasq-").FullName;
        var server = new DnsmasqServer(directory, FreePort());
        try
        {
            server.WriteHosts(hosts);
            server._srvLines = SrvLines(srv);
            server._extraConf = extraConf;
            await server.LaunchAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Replaces the A/AAAA records: rewrite the hosts file, then SIGHUP (dnsmasq re-reads it); while stopped, only the file.</summary>
    public void SetHosts(IEnumerable<(string Address, string[] Names)> hosts)
    {
        WriteHosts(hosts);
        if (_process is { } process && Kill(process.Id, SignalHangUp) != 0)
            throw new InvalidOperationException("could not send SIGHUP to dnsmasq");
    }

    /// <summary>Replaces the SRV records: dnsmasq reads srv-host only at start, so it is restarted on the same port.</summary>
    public async Task SetSrvAsync(IReadOnlyDictionary<string, SrvEntry[]> srv)
    {
        _srvLines = SrvLines(srv);
        StopProcess();
        await LaunchAsync();
    }

    /// <summary>Stops answering (queries time out) until <see cref="RestartAsync"/>.</summary>
    public void Stop() => StopProcess();

    public Task RestartAsync() => LaunchAsync();

    public void Dispose()
    {
        StopProcess();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string SrvLines(IReadOnlyDictionary<string, SrvEntry[]>? srv)
    {
        var builder = new StringBuilder();
        foreach (var (name, entries) in srv ?? new Dictionary<string, SrvEntry[]>())
        {
            foreach (var e in entries)
                builder.Append(CultureInfo.InvariantCulture, $"srv-host={name},{e.Target},{e.Port},{e.Priority},{e.Weight}\n");
        }
        return builder.ToString();
    }

    private void WriteHosts(IEnumerable<(string Address, string[] Names)> hosts)
    {
        var text = string.Concat(hosts.Select(h => $"{h.Address} {string.Join(' ', h.Names)}\n"));
        // Write then rename, so dnsmasq never reads a half-written file.
        var temp = _hostsFile + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, _hostsFile, overwrite: true);
    }

    private async Task LaunchAsync()
    {
        File.WriteAllText(_confFile, _srvLines + _extraConf);
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "--no-daemon", "--conf-file=" + _confFile, "--port=" + Port.ToString(CultureInfo.InvariantCulture),
            "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--addn-hosts=" + _hostsFile,
            "--local=/cluster.local/", "--local=/test/", "--user=root", "--pid-file=" + Path.Combine(_directory, "pid"), "--log-facility=-", "--log-queries", "--local-ttl=0",
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dnsmasq");
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        // Ready when it answers anything (NXDOMAIN included) on its port.
        var client = new LookupClient(new LookupClientOptions(new NameServer(EndPoint)) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 });
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"dnsmasq exited with {process.ExitCode}: {Log}");
            try
            {
                await client.QueryAsync("ready.test", QueryType.A);
                return;
            }
            catch (DnsResponseException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException("dnsmasq did not answer within 20 s: " + Log);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    private void StopProcess()
    {
        var process = _process;
        _process = null;
        if (process is null)
            return;
        try
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (dnsmasq listens on both).</summary>
    private static int FreePort()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free loopback port for dnsmasq");
    }

    private const int SignalHangUp = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
