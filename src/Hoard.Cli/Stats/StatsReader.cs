using System.Diagnostics;
using System.Net.Sockets;
using Hoard.Client;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Stats;

/// <summary>
/// Reads <c>stats</c> (and <c>version</c>) from a fixed list of memcached-compatible servers, each on its own
/// Hoard.Client connection so that one server being down shows as down instead of failing the others.
/// The one component behind <c>hoard stats</c>, <c>hoard top</c> and <c>hoard cluster up</c>.
/// </summary>
internal sealed class StatsReader : IAsyncDisposable
{
    private readonly HoardClient[] _clients;

    public StatsReader(IReadOnlyList<ServerEndPoint> servers, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(servers);
        Servers = servers;
        _clients = [.. servers.Select(server => CreateClient(server, timeout))];
    }

    public IReadOnlyList<ServerEndPoint> Servers { get; }

    /// <summary>Every server's stats, in <see cref="Servers"/> order, read at the same time.</summary>
    public async Task<IReadOnlyList<StatsSnapshot>> ReadAsync(CancellationToken cancellationToken)
    {
        var reads = _clients.Select((client, i) => ReadOneAsync(client, Servers[i], cancellationToken)).ToArray();
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    /// <summary>The server's <c>version</c> reply, or null when it does not answer (yet).</summary>
    public async Task<string?> VersionAsync(int index, CancellationToken cancellationToken)
    {
        try
        {
            var versions = await _clients[index].VersionAsync(cancellationToken).ConfigureAwait(false);
            return versions.Values.FirstOrDefault();
        }
        catch (Exception e) when (IsServerFailure(e, cancellationToken))
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<StatsSnapshot> ReadOneAsync(HoardClient client, ServerEndPoint server, CancellationToken cancellationToken)
    {
        try
        {
            var replies = await client.StatsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var values = replies.Values.FirstOrDefault() ?? new Dictionary<string, string>();
            return StatsSnapshot.Up(server, Stopwatch.GetTimestamp(), values);
        }
        catch (Exception e) when (IsServerFailure(e, cancellationToken))
        {
            return StatsSnapshot.Down(server, Stopwatch.GetTimestamp(), Reason(e));
        }
    }

    private static bool IsServerFailure(Exception e, CancellationToken cancellationToken) =>
        e is HoardException or SocketException or IOException ||
        e is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    /// <summary>The operator-facing cause: "Connection refused" rather than the client's wrapping sentence.</summary>
    private static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
                return socket.Message;
        }
        return e is HoardTimeoutException ? "no reply (timeout)" : e.Message;
    }

    private static HoardClient CreateClient(ServerEndPoint server, TimeSpan timeout)
    {
        var options = new HoardClientOptions
        {
            // Text protocol: stats and version are text commands, and every memcached-compatible server
            // (routers and proxies too) speaks it.
            Protocol = WireProtocol.Text,
            ConnectionsPerServer = 1,
            ConnectTimeout = timeout,
            OperationTimeout = timeout,
            // Never eject: a server that is down is reported down, and retried on the next read.
            FailureLimit = 0,
        };
        options.Servers.Add(server.HostPort);
        return new HoardClient(options);
    }
}
