using System.Diagnostics.Metrics;

namespace Hoard.Client.Tests.Connections;

/// <summary>
/// The hot path's allocation budget: a get allocates its value and nothing else, a set nothing. Counted over
/// every thread of the process (the I/O thread that reads the reply and the pool thread that completes the
/// call included), against memcached in its own process so that nothing a server allocates is counted.
/// </summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class ClientAllocationTests
{
    private const int Calls = 20_000;
    private const int ValueLength = 100;
    // Less than one byte per call: any object allocated per call (24 bytes at least), or a structure that grows
    // with the calls (a queue's segments), exceeds it; what the rest of the process allocates meanwhile
    // (runner, timers) does not.
    private const double BudgetPerCall = 1.0;

    public enum Caller
    {
        /// <summary>An async loop: the caller resumes on the pool thread that completed the call.</summary>
        AsyncLoop,

        /// <summary>A thread blocking on each call, as the synchronous IDistributedCache methods do.</summary>
        BlockingThread,
    }

    [Theory]
    [InlineData(Caller.AsyncLoop, false)]
    [InlineData(Caller.BlockingThread, false)]
    [InlineData(Caller.AsyncLoop, true)]
    public async Task Get_allocates_only_its_value_and_set_allocates_nothing(Caller caller, bool metricsListened)
    {
        await using var server = MemcachedProcess.Start();
        var options = new HoardClientOptions { ConnectionsPerServer = 1 };
        options.Servers.Add(server.Address);
        await using var client = new HoardClient(options);
        ReadOnlyMemory<byte> value = new byte[ValueLength];
        Assert.True(await client.SetAsync("alloc:key", value));
        using var listener = metricsListened ? ListenToClientMetrics() : null;
        Func<int, bool, Task> loop = caller == Caller.AsyncLoop
            ? (calls, get) => AsyncLoop(client, value, calls, get)
            : (calls, get) => BlockingLoop(client, value, calls, get);
        // Warm-up: operation pools, the reply queue's ring, the pool threads and the JIT reach their steady state.
        await loop(5_000, true);
        await loop(5_000, false);

        long valueBytes = SizeOfValueArray();
        double getExtra = await LeastPerCall(() => loop(Calls, true)) - valueBytes;
        double setBytes = await LeastPerCall(() => loop(Calls, false));

        Assert.True(getExtra < BudgetPerCall, $"GetAsync allocated {getExtra:F1} B per call beyond its {valueBytes}-byte value (budget {BudgetPerCall} B)");
        Assert.True(setBytes < BudgetPerCall, $"SetAsync allocated {setBytes:F1} B per call (budget {BudgetPerCall} B)");
        if (listener is not null)
            Assert.True(Volatile.Read(ref _durationsHeard) >= 2 * Calls, "the listener heard the client's operation durations");
    }

    /// <summary>
    /// Bytes per call of <paramref name="loop"/>, the least of up to three runs: another thread of the process
    /// allocating meanwhile only adds, so the least is the closest to what the calls themselves cost.
    /// </summary>
    private static async Task<double> LeastPerCall(Func<Task> loop)
    {
        double least = double.MaxValue;
        for (int attempt = 0; attempt < 3 && least >= BudgetPerCall; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await loop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            least = Math.Min(least, allocated / (double)Calls);
        }
        return least;
    }

    // The loops check every answer without allocating (no assertion that boxes the nullable item).
    private static async Task AsyncLoop(HoardClient client, ReadOnlyMemory<byte> value, int calls, bool get)
    {
        int wrong = 0;
        for (int i = 0; i < calls; i++)
        {
            bool ok = get ? (await client.GetAsync("alloc:key")).HasValue : await client.SetAsync("alloc:key", value);
            wrong += ok ? 0 : 1;
        }
        Assert.Equal(0, wrong);
    }

    /// <summary>A thread of its own that blocks on each call until the call's continuation wakes it.</summary>
    private static Task BlockingLoop(HoardClient client, ReadOnlyMemory<byte> value, int calls, bool get)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var completed = new ManualResetEventSlim();
                Action signal = completed.Set;
                int wrong = 0;
                for (int i = 0; i < calls; i++)
                {
                    bool ok = get ? Wait(client.GetAsync("alloc:key"), completed, signal).HasValue : Wait(client.SetAsync("alloc:key", value), completed, signal);
                    wrong += ok ? 0 : 1;
                }
                Assert.Equal(0, wrong);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        thread.Start();
        return done.Task;
    }

    private static T Wait<T>(ValueTask<T> task, ManualResetEventSlim completed, Action signal)
    {
        var awaiter = task.ConfigureAwait(false).GetAwaiter();
        if (!awaiter.IsCompleted)
        {
            completed.Reset();
            awaiter.UnsafeOnCompleted(signal);
            completed.Wait();
        }
        return awaiter.GetResult();
    }

    private static long SizeOfValueArray()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new byte[ValueLength]);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long _durationsHeard;

    private static MeterListener ListenToClientMetrics()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Hoard.Client")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => Interlocked.Increment(ref _durationsHeard));
        listener.Start();
        return listener;
    }
}
