using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>A fixed list of servers: <see cref="Changed"/> never fires. The list keeps the order it was given in
/// (modula distribution depends on it), unlike the dynamic sources, which sort what they find.</summary>
public sealed class StaticServerDiscovery : IServerDiscovery
{
    public StaticServerDiscovery(IEnumerable<ServerEndPoint> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var list = servers.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("a static server list cannot be empty", nameof(servers));
        Current = Array.AsReadOnly(list);
    }

    /// <summary>Parses a comma-separated <c>host:port[:weight]</c> list, as <see cref="ServerEndPoint.ParseList"/>.</summary>
    /// <exception cref="FormatException">An entry is not a server.</exception>
    public StaticServerDiscovery(string servers)
        : this(ServerEndPoint.ParseList(servers))
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<ServerEndPoint> Current { get; }

    /// <summary>Never raised: the list is fixed.</summary>
    public event Action<IReadOnlyList<ServerEndPoint>>? Changed
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => "static " + string.Join(',', Current);
}
