using System.Collections.Concurrent;

namespace Hoard.Samples.Movies.Caching;

/// <summary>
/// Collapses concurrent work on the same key inside this process: the first caller starts it, callers that
/// arrive while it runs wait for the same task. The cache's lease does the same across processes; this keeps
/// a burst of one process's requests from even reaching the cache one by one.
/// </summary>
public sealed class SingleFlight
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Number of keys with work running now.</summary>
    public int Running => _running.Count;

    /// <summary>
    /// The result of <paramref name="work"/> for <paramref name="key"/>, run once for all callers that arrive
    /// while it runs; <c>Shared</c> is true for the callers that joined. The work runs without the caller's
    /// cancellation (others may be waiting for it); a caller that gives up stops waiting, not the work.
    /// </summary>
    public async Task<(T Value, bool Shared)> RunAsync<T>(string key, Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(work);
        var mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _running.GetOrAdd(key, mine.Task);
        if (!ReferenceEquals(running, mine.Task))
            return (await ((Task<T>)running).WaitAsync(cancellationToken).ConfigureAwait(false), true);
        try
        {
            mine.SetResult(await work().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<string, Task>(key, mine.Task));
        }
        return (await mine.Task.WaitAsync(cancellationToken).ConfigureAwait(false), false);
    }
}
