using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// The common part of every dynamic discovery source: a lookup at start, then one every <see cref="Interval"/>
/// (or sooner, when the source is told something changed); the result is sorted and de-duplicated, and
/// <see cref="Changed"/> is raised only when it differs from <see cref="Current"/>. A failed lookup, or one
/// that finds no server at all, keeps the last good list and is reported through <see cref="LookupFailed"/>:
/// a DNS hiccup or a half-written file must not empty the ring.
/// </summary>
public abstract class PollingServerDiscovery : IServerDiscovery
{
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<ServerEndPoint> _current = Array.Empty<ServerEndPoint>();
    private Task? _loop;
    private int _started;
    private int _disposed;

    /// <param name="interval">Time between lookups; must be positive.</param>
    protected PollingServerDiscovery(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
    }

    /// <summary>Time between two lookups.</summary>
    public TimeSpan Interval { get; }

    /// <inheritdoc />
    public IReadOnlyList<ServerEndPoint> Current => Volatile.Read(ref _current);

    /// <summary>The failure of the most recent lookup, or null when it succeeded.</summary>
    public Exception? LastError { get; private set; }

    /// <inheritdoc />
    public event Action<IReadOnlyList<ServerEndPoint>>? Changed;

    /// <summary>
    /// Raised (on any thread) when a lookup fails or finds no server; the previous list stays. Carries a
    /// <see cref="DiscoveryException"/> or the socket / DNS / I/O exception that caused the failure.
    /// </summary>
    public event Action<Exception>? LookupFailed;

    /// <summary>How long to wait after a wake-up before looking, so a burst of notifications becomes one lookup.</summary>
    protected virtual TimeSpan WakeDelay => TimeSpan.Zero;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException($"{this} is already started");
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        OnStarted();
        _loop = Task.Run(() => PollAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Looks up the servers now (also usable before <see cref="StartAsync"/>, and by a client that suspects the
    /// list is stale, e.g. after connection failures). Returns true when <see cref="Current"/> changed.
    /// Failures are reported through <see cref="LookupFailed"/>, not thrown.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IReadOnlyList<ServerEndPoint>? found;
#pragma warning disable CA1031 // Any failure of a lookup (DNS, socket, file, parse) must keep the last list, not end the poller.
            try
            {
                found = await LookupAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                ReportFailure(exception);
                return false;
            }
#pragma warning restore CA1031
            if (found is null)
            {
                LastError = null;
                return false; // the source says nothing new (e.g. the same cluster-config version)
            }
            var list = Normalize(found);
            if (list.Count == 0)
            {
                ReportFailure(new DiscoveryException($"{this} found no servers; keeping the last list ({Current.Count} servers)"));
                return false;
            }
            LastError = null;
            if (list.SequenceEqual(Current))
                return false;
            Volatile.Write(ref _current, list);
            // Raised under the lock so subscribers see the lists in the order they were found.
            RaiseChanged(list);
            return true;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Stops polling and watching. <see cref="Current"/> keeps the last list.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await OnDisposingAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        // A RefreshAsync running on a caller's thread may still hold the lock; wait for it before disposing.
        await _refreshLock.WaitAsync().ConfigureAwait(false);
        _refreshLock.Dispose();
        _wake.Dispose();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// One lookup: the servers found, or null when the source knows nothing new. Throw to report a failure;
    /// the base class keeps the last list.
    /// </summary>
    protected abstract Task<IReadOnlyList<ServerEndPoint>?> LookupAsync(CancellationToken cancellationToken);

    /// <summary>Called once after the first lookup of <see cref="StartAsync"/>; a source starts its watchers here.</summary>
    protected virtual void OnStarted()
    {
    }

    /// <summary>Releases what the source holds (watchers, clients); called once, after polling was told to stop.</summary>
    protected virtual ValueTask OnDisposingAsync() => ValueTask.CompletedTask;

    /// <summary>Asks for a lookup now rather than at the next interval (e.g. a file watcher saw a change).</summary>
    protected void WakeUp()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending; one lookup covers both.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Sorted by host (ordinal) then port; a server found twice is kept once, with its largest weight.</summary>
    internal static IReadOnlyList<ServerEndPoint> Normalize(IEnumerable<ServerEndPoint> servers)
    {
        var byHostPort = new Dictionary<string, ServerEndPoint>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            if (!byHostPort.TryGetValue(server.HostPort, out var seen) || seen.Weight < server.Weight)
                byHostPort[server.HostPort] = server;
        }
        var list = byHostPort.Values.ToArray();
        Array.Sort(list, static (a, b) =>
        {
            var byHost = string.CompareOrdinal(a.Host, b.Host);
            return byHost != 0 ? byHost : a.Port.CompareTo(b.Port);
        });
        return Array.AsReadOnly(list);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var woken = await _wake.WaitAsync(Interval, stopping).ConfigureAwait(false);
                if (woken && WakeDelay > TimeSpan.Zero)
                {
                    await Task.Delay(WakeDelay, stopping).ConfigureAwait(false);
                    _wake.Wait(0, CancellationToken.None); // notifications that came during the delay are covered by this lookup
                }
                await RefreshAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Sets <see cref="LastError"/> and raises <see cref="LookupFailed"/>; for failures outside a lookup (e.g. a watcher that could not start).</summary>
    protected void ReportFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        LastError = exception;
        var handlers = LookupFailed;
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<Exception>>())
        {
#pragma warning disable CA1031 // A subscriber's bug must not stop discovery.
            try
            {
                handler(exception);
            }
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }

    private void RaiseChanged(IReadOnlyList<ServerEndPoint> list)
    {
        var handlers = Changed;
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<IReadOnlyList<ServerEndPoint>>>())
        {
#pragma warning disable CA1031 // One subscriber's failure must neither stop the others nor the poller.
            try
            {
                handler(list);
            }
            catch (Exception exception)
            {
                ReportFailure(new DiscoveryException($"a Changed handler of {this} threw: {exception.Message}", exception));
            }
#pragma warning restore CA1031
        }
    }
}
