using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hoard.Server;

namespace Hoard.Benchmarks;

/// <summary>A server for the client benchmarks, on a free loopback port; stopped (its process killed) on dispose.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly HoardServer? _hoard;
    private readonly Process? _memcached;
    private readonly string? _directory;

    private BenchServer(string address, HoardServer? hoard, Process? memcached, string? directory)
    {
        Address = address;
        _hoard = hoard;
        _memcached = memcached;
        _directory = directory;
    }

    public string Address { get; }

    public static async Task<BenchServer> StartAsync(BenchServerKind kind)
    {
        if (kind == BenchServerKind.HoardInProcess)
        {
            var server = new HoardServer(new ServerOptions { Port = 0, Threads = 1 });
            await server.StartAsync();
            return new BenchServer("127.0.0.1:" + ((IPEndPoint)server.TcpEndPoints[0]).Port.ToString(CultureInfo.InvariantCulture), server, null, null);
        }
        const string Binary = "/usr/bin/memcached";
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's memcached, or use the in-process server");
        var directory = Directory.CreateTempSubdirectory("hoard-bench-mc-").FullName;
        var portFile = Path.Combine(directory, "ports");
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false };
        // -p -1: memcached picks a free port and writes it to MEMCACHED_PORT_FILENAME.
        foreach (var argument in new[] { "-u", "root", "-l", "127.0.0.1", "-p", "-1", "-U", "0", "-t", "1", "-m", "64" })
            info.ArgumentList.Add(argument);
        info.Environment["MEMCACHED_PORT_FILENAME"] = portFile;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start memcached");
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
        {
            if (File.Exists(portFile))
            {
                foreach (var line in await File.ReadAllLinesAsync(portFile))
                {
                    if (line.StartsWith("TCP INET: ", StringComparison.Ordinal))
                        return new BenchServer("127.0.0.1:" + line["TCP INET: ".Length..], null, process, directory);
                }
            }
            await Task.Delay(20);
        }
        process.Kill();
        process.Dispose();
        throw new InvalidOperationException("memcached did not report its port within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_hoard is not null)
            await _hoard.DisposeAsync();
        if (_memcached is not null)
        {
            _memcached.Kill();
            await _memcached.WaitForExitAsync();
            _memcached.Dispose();
        }
        if (_directory is not null)
            Directory.Delete(_directory, recursive: true);
    }
}
