using System.Net;
using BenchmarkDotNet.Attributes;
using Hoard.Client;
using Hoard.Server;

namespace Hoard.Benchmarks;

/// <summary>
/// Hoard.Client against an in-process Hoard server over loopback: the time includes the round trip; the
/// allocation column is the client's cost per call (the server allocates nothing per request).
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private HoardServer _server = null!;
    private HoardClient _client = null!;
    private readonly byte[] _value = new byte[100];

    [GlobalSetup]
    public void Setup()
    {
        _server = new HoardServer(new ServerOptions { Port = 0, Threads = 1 });
        _server.StartAsync().GetAwaiter().GetResult();
        var options = new HoardClientOptions { ConnectionsPerServer = 1 };
        options.Servers.Add("127.0.0.1:" + ((IPEndPoint)_server.TcpEndPoints[0]).Port);
        _client = new HoardClient(options);
        _client.SetAsync("bench:key", _value).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // Returned as they are, so the benchmark adds no state machine of its own to the allocation column.
    [Benchmark]
    public ValueTask<CacheItem?> GetAsync() => _client.GetAsync("bench:key");

    [Benchmark]
    public ValueTask<bool> SetAsync() => _client.SetAsync("bench:key", _value);

    /// <summary>100 gets in flight at once on one connection: the pipelined cost per call.</summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public async Task PipelinedGets()
    {
        var tasks = new Task<CacheItem?>[100];
        for (int i = 0; i < tasks.Length; i++)
            tasks[i] = _client.GetAsync("bench:key").AsTask();
        await Task.WhenAll(tasks);
    }
}
