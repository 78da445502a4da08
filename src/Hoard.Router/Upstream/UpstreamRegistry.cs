using System.Collections.Concurrent;
using Hoard.Client.Connections;
using Hoard.Client.Distribution;
using Microsoft.Extensions.Logging;

namespace Hoard.Router.Upstream;

/// <summary>
/// Every upstream server the router talks to, one object per <c>host:port</c> whichever pools and configs name it,
/// so a config reload keeps connections and health, and two pools sharing a server share its connections.
/// </summary>
public sealed class UpstreamRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, UpstreamServer> _servers = new(StringComparer.Ordinal);
    private readonly RouterOptions _options;
    private readonly ILogger _logger;
    private readonly Timer _timeoutSweep;
    private HashSet<string>? _inUse;

    public UpstreamRegistry(RouterOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.ServerTimeout.TotalMilliseconds / 4, 10, 250));
        _timeoutSweep = new Timer(_ => SweepTimeouts(), null, period, period);
    }

    public IReadOnlyCollection<UpstreamServer> Servers => (IReadOnlyCollection<UpstreamServer>)_servers.Values;

    /// <summary>Run for a server back from TKO before it takes requests again (see <see cref="UpstreamServer.BeforeReturn"/>).</summary>
    public Func<UpstreamServer, Task>? BeforeReturn { get; set; }

    /// <summary>The router's event loops, which drive the upstream sockets (null: .NET's asynchronous sockets do).</summary>
    internal IConnectionPoller? Poller { get; init; }

    public UpstreamServer Get(ServerEndPoint server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return _servers.GetOrAdd(server.HostPort, _ =>
        {
            return new UpstreamServer(server, _options, _logger, Poller)
            {
                BeforeReturn = s => BeforeReturn?.Invoke(s) ?? Task.CompletedTask,
            };
        });
    }

    public bool TryGet(string hostPort, out UpstreamServer? server) => _servers.TryGetValue(hostPort, out server);

    /// <summary>
    /// Closes servers no longer named by anything in <paramref name="inUse"/>, after <paramref name="grace"/> so
    /// requests already sent to them finish.
    /// </summary>
    public void Retain(IEnumerable<string> inUse, TimeSpan grace)
    {
        var keep = new HashSet<string>(inUse, StringComparer.Ordinal);
        Volatile.Write(ref _inUse, keep);
        var unused = _servers.Where(p => !keep.Contains(p.Key)).Select(p => p.Key).ToList();
        if (unused.Count == 0)
            return;
        _ = CloseLaterAsync(unused, grace);
    }

    private async Task CloseLaterAsync(List<string> names, TimeSpan grace)
    {
        await Task.Delay(grace).ConfigureAwait(false);
        foreach (var name in names)
        {
            // A config loaded since may have taken the server back: what counts is the set in use now.
            if (Volatile.Read(ref _inUse)?.Contains(name) == true || !_servers.TryRemove(name, out var server))
                continue;
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void SweepTimeouts()
    {
        foreach (var server in _servers.Values)
            server.BreakTimedOut();
    }

    public async ValueTask DisposeAsync()
    {
        await _timeoutSweep.DisposeAsync().ConfigureAwait(false);
        foreach (var server in _servers.Values)
            await server.DisposeAsync().ConfigureAwait(false);
        _servers.Clear();
    }
}
