using System.Net;
using Hoard.Client;
using Hoard.Server;

namespace Hoard.Benchmarks;

/// <summary>
/// Bytes allocated per call, counted over every thread of the process (the I/O and pool threads a request
/// crosses included), without a benchmark harness around the call:
/// <c>dotnet run -c Release -- client-allocations [--calls N] [--blocking] [--server HOST:PORT] [--cancellable] [--metrics] [--types]</c>.
/// <list type="bullet">
/// <item><c>--blocking</c>: the caller is a dedicated thread that blocks on each call (as BenchmarkDotNet's
/// harness and the synchronous <c>IDistributedCache</c> methods do) instead of an async loop.</item>
/// <item><c>--server</c>: an out-of-process server (memcached, <c>hoard server</c>) instead of a Hoard server in
/// this process, so nothing the server allocates is counted.</item>
/// <item><c>--cancellable</c>: every call gets the token of one long-lived <see cref="CancellationTokenSource"/>,
/// so each registers (and unregisters) its cancellation callback.</item>
/// <item><c>--metrics</c>: a listener records the <c>Hoard.Client</c> meter's instruments meanwhile (as an
/// OpenTelemetry exporter would).</item>
/// <item><c>--types</c>: the runtime's allocation samples name the types allocated during each loop.</item>
/// </list>
/// </summary>
internal static class ClientAllocations
{
    private const int ValueLength = 100;

    public static async Task RunAsync(string[] args)
    {
        int calls = args.SkipWhile(a => a != "--calls").Skip(1).Select(int.Parse).FirstOrDefault(50_000);
        string? external = args.SkipWhile(a => a != "--server").Skip(1).FirstOrDefault();
        bool blocking = args.Contains("--blocking");
        bool types = args.Contains("--types");
        using var cancellation = new CancellationTokenSource();
        var token = args.Contains("--cancellable") ? cancellation.Token : CancellationToken.None;
        using var metrics = args.Contains("--metrics") ? MetricsListener.Start() : null;

        await using var server = external is null ? new HoardServer(new ServerOptions { Port = 0, Threads = 1 }) : null;
        var options = new HoardClientOptions { ConnectionsPerServer = 1 };
        if (server is not null)
        {
            await server.StartAsync();
            options.Servers.Add("127.0.0.1:" + ((IPEndPoint)server.TcpEndPoints[0]).Port);
        }
        else
        {
            options.Servers.Add(external!);
        }
        await using var client = new HoardClient(options);
        ReadOnlyMemory<byte> value = new byte[ValueLength];

        long valueBytes = SizeOfValueArray();
        Console.WriteLine($"server: {(server is null ? external + " (out of process)" : "Hoard in this process")}; " +
            $"caller: {(blocking ? "a thread blocking on each call" : "an async loop")}{(token.CanBeCanceled ? " passing a cancellable token" : "")}; {calls:N0} calls per loop");
        var caller = blocking ? (ICaller)new BlockingCaller(token) : new AsyncCaller(token);
        // Warm-up: pools, queues and JIT reach their steady state.
        await caller.RunAsync(client, value, 20_000, get: true);
        await caller.RunAsync(client, value, 20_000, get: false);

        foreach (bool get in new[] { true, false })
        {
            using var sampler = types ? new AllocationSampler() : null;
            sampler?.Start();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await caller.RunAsync(client, value, calls, get);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            sampler?.Stop();
            double perCall = allocated / (double)calls;
            Console.WriteLine(get
                ? $"GetAsync: {perCall:F1} B per call = the {ValueLength}-byte value's {valueBytes}-byte array + {perCall - valueBytes:F1} B"
                : $"SetAsync: {perCall:F1} B per call");
            sampler?.Print(Console.Out);
        }
        if (metrics is not null)
            Console.WriteLine($"Hoard.Client meter heard meanwhile: {MetricsListener.Heard.Counted} counted, {MetricsListener.Heard.Recorded} durations recorded");
    }

    /// <summary>What one returned value costs: its array, header and padding included.</summary>
    private static long SizeOfValueArray()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new byte[ValueLength]);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private interface ICaller
    {
        Task RunAsync(HoardClient client, ReadOnlyMemory<byte> value, int calls, bool get);
    }

    private sealed class AsyncCaller(CancellationToken token) : ICaller
    {
        public async Task RunAsync(HoardClient client, ReadOnlyMemory<byte> value, int calls, bool get)
        {
            for (int i = 0; i < calls; i++)
            {
                if (get)
                    await client.GetAsync("k", token);
                else
                    await client.SetAsync("k", value, cancellationToken: token);
            }
        }
    }

    /// <summary>One thread, blocking on each call until its continuation signals it.</summary>
    private sealed class BlockingCaller : ICaller
    {
        private readonly ManualResetEventSlim _completed = new();
        private readonly Action _signal;
        private readonly CancellationToken _token;

        public BlockingCaller(CancellationToken token)
        {
            _signal = _completed.Set;
            _token = token;
        }

        public Task RunAsync(HoardClient client, ReadOnlyMemory<byte> value, int calls, bool get)
        {
            var done = new TaskCompletionSource();
            var thread = new Thread(() =>
            {
                for (int i = 0; i < calls; i++)
                {
                    if (get)
                        Wait(client.GetAsync("k", _token));
                    else
                        Wait(client.SetAsync("k", value, cancellationToken: _token));
                }
                done.SetResult();
            });
            thread.Start();
            return done.Task;
        }

        private T Wait<T>(ValueTask<T> task)
        {
            var awaiter = task.ConfigureAwait(false).GetAwaiter();
            if (!awaiter.IsCompleted)
            {
                _completed.Reset();
                awaiter.UnsafeOnCompleted(_signal);
                _completed.Wait();
            }
            return awaiter.GetResult();
        }
    }
}
