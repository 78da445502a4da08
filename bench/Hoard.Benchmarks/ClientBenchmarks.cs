using BenchmarkDotNet.Attributes;
using Hoard.Client;

namespace Hoard.Benchmarks;

/// <summary>
/// Hoard.Client over loopback: the time includes the round trip. Against <see cref="BenchServerKind.Memcached"/>
/// (its own process) the allocation column is the client's and the harness's alone; against the in-process Hoard
/// server it includes the server's (nothing per request, so the two columns agree).
/// <para>
/// <c>GetAsync</c>/<c>SetAsync</c> are single calls that BenchmarkDotNet's harness blocks on (as a synchronous
/// caller would); the <c>Awaited</c> ones are 1,000 calls awaited in an async method, as an application awaits
/// them (the method's own task is spread over the 1,000).
/// </para>
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private const int AwaitedCalls = 1000;

    private BenchServer _server = null!;
    private HoardClient _client = null!;
    private readonly byte[] _value = new byte[100];

    [Params(BenchServerKind.Memcached, BenchServerKind.HoardInProcess)]
    public BenchServerKind Server { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServer.StartAsync(Server).GetAwaiter().GetResult();
        var options = new HoardClientOptions { ConnectionsPerServer = 1 };
        options.Servers.Add(_server.Address);
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

    [Benchmark(OperationsPerInvoke = AwaitedCalls)]
    public async Task GetAsyncAwaited()
    {
        for (int i = 0; i < AwaitedCalls; i++)
            await _client.GetAsync("bench:key");
    }

    [Benchmark(OperationsPerInvoke = AwaitedCalls)]
    public async Task SetAsyncAwaited()
    {
        for (int i = 0; i < AwaitedCalls; i++)
            await _client.SetAsync("bench:key", _value);
    }

    /// <summary>
    /// 100 gets in flight at once on one connection: the pipelined cost per call. Its allocation column is
    /// mostly the harness's: a Task per call (AsTask) and the array holding them.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public async Task PipelinedGets()
    {
        var tasks = new Task<CacheItem?>[100];
        for (int i = 0; i < tasks.Length; i++)
            tasks[i] = _client.GetAsync("bench:key").AsTask();
        await Task.WhenAll(tasks);
    }
}
