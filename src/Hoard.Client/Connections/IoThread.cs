namespace Hoard.Client.Connections;

/// <summary>
/// A dedicated thread that runs the send and receive loops of connections, as their synchronization context:
/// the loops await socket operations with <c>ConfigureAwait(true)</c>, so every continuation comes back here
/// instead of queueing on the shared thread pool. When an application starves the pool (blocking calls,
/// a burst of work items), replies are still read and requests still sent; only the callers' own
/// continuations wait for the pool. (Thread-pool starvation is the usual cause of "cache timeout" reports
/// against clients whose I/O runs on the pool.)
/// </summary>
internal sealed class IoThread : SynchronizationContext
{
    private static readonly Lazy<IoThread[]> SharedThreads = new(() =>
        [.. Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount / 2, 2, 4)).Select(i => new IoThread($"Hoard.Client I/O {i}"))]);

    private static int _next;

    // A plain queue under a lock: its array is reused, so posting allocates nothing once it has grown
    // (a concurrent queue allocates a new segment for every few thousand items).
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new(256);

    private IoThread(string name)
    {
        var thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>The process-wide I/O threads, handed to connections in turn.</summary>
    public static IoThread Next()
    {
        var threads = SharedThreads.Value;
        return threads[(int)((uint)Interlocked.Increment(ref _next) % (uint)threads.Length)];
    }

    /// <summary>Continuations waiting to run here (for timeout diagnostics).</summary>
    public int Pending
    {
        get
        {
            lock (_work)
                return _work.Count;
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_work)
        {
            _work.Enqueue((d, state));
            if (_work.Count == 1)
                Monitor.Pulse(_work);
        }
    }

    /// <summary>Starts <paramref name="loop"/> on this thread; its awaits continue here.</summary>
    public void Start(Func<Task> loop) => Post(static state => _ = ((Func<Task>)state!)(), loop);

    public override SynchronizationContext CreateCopy() => this;

    private void Run()
    {
        SetSynchronizationContext(this);
        while (true)
        {
            SendOrPostCallback callback;
            object? state;
            lock (_work)
            {
                while (_work.Count == 0)
                    Monitor.Wait(_work);
                (callback, state) = _work.Dequeue();
            }
            // A loop's own errors end in its catch blocks; nothing thrown here may end the thread.
            try
            {
                callback(state);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                System.Diagnostics.Trace.TraceError("Hoard.Client I/O thread: " + ex);
            }
        }
    }
}
