using System.Globalization;
using System.Text;
using Hoard.Client;
using Hoard.Client.Connections;
using Hoard.Router.Config;
using Hoard.Router.Deletes;
using Hoard.Router.Requests;
using Hoard.Router.Routes;
using Hoard.Router.Stats;
using Hoard.Router.Upstream;
using Microsoft.Extensions.Logging;

namespace Hoard.Router;

/// <summary>
/// What every client connection of the router shares: the route table in force (swapped whole on reload;
/// a request keeps the table it started with), the upstream servers, the counters and the delete log.
/// </summary>
internal sealed class RouterCore
{
    private RouteTable _table;
    private long _reloads;
    private long _reloadErrors;
    private string? _lastReloadError;

    public RouterCore(RouterOptions options, RouteTable table, UpstreamRegistry registry, RouteRuntime runtime, string version)
    {
        Options = options;
        _table = table;
        Registry = registry;
        Runtime = runtime;
        Version = version;
    }

    public RouterOptions Options { get; }

    public UpstreamRegistry Registry { get; }

    public RouteRuntime Runtime { get; }

    public RouterStatistics Statistics => Runtime.Statistics;

    public DeleteLog? DeleteLog => Runtime.DeleteLog;

    public string Version { get; }

    public RouteTable Table => Volatile.Read(ref _table);

    public long Reloads => Interlocked.Read(ref _reloads);

    public long ReloadErrors => Interlocked.Read(ref _reloadErrors);

    public string? LastReloadError => Volatile.Read(ref _lastReloadError);

    /// <summary>Puts <paramref name="table"/> in force and returns the one it replaces.</summary>
    public RouteTable Swap(RouteTable table)
    {
        Interlocked.Increment(ref _reloads);
        Volatile.Write(ref _lastReloadError, null);
        return Interlocked.Exchange(ref _table, table);
    }

    public void ReloadFailed(string reason)
    {
        Interlocked.Increment(ref _reloadErrors);
        Volatile.Write(ref _lastReloadError, reason);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RouterReply> RouteAsync(RouterRequest request)
    {
        Statistics.Command(request.Operation);
        var (route, routed) = Table.Resolve(request);
        RouterReply reply;
        try
        {
            reply = await route.RouteAsync(routed, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in a route must cost one request, not the connection.
            reply = RouterReply.Failure(ReplyResult.LocalError, $"router error: {e.Message}");
        }
        if (reply.IsError && request.Group == OperationGroup.Gets && Options.GetErrorsAsMisses)
            reply = RouterReply.Miss(request);
        Statistics.Replied(request, reply);
        return reply;
    }

    /// <summary>
    /// A text multi-get whose keys all take the same PoolRoute (the common case): the keys of each server travel
    /// as one <c>get k1 k2 ...</c>, as twemproxy sends them, instead of one request per key; the reply lists the
    /// hits in the order the keys were asked. Null when the keys take other routes: they are then routed one by one.
    /// </summary>
    public async ValueTask<byte[]?> TryRetrieveBatchedAsync(IReadOnlyList<RouterRequest> requests, long affinity)
    {
        var table = Table;
        if (table.HasAliases || table.Default is not PoolRoute { HasShadows: false } pool)
            return null;
        // Few servers per multi-get: a list searched in order beats a dictionary here.
        var servers = new List<UpstreamServer>(2);
        var keysOf = new List<List<byte[]>>(2);
        var serverOf = new int[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var server = pool.Locate(request.Key);
            if (server is null)
                return null;
            int group = servers.IndexOf(server);
            if (group < 0)
            {
                group = servers.Count;
                servers.Add(server);
                keysOf.Add([]);
            }
            keysOf[group].Add(request.Key);
            serverOf[i] = group;
            Statistics.Command(request.Operation);
        }
        var first = requests[0];
        var sends = new Task<RouterReply>[servers.Count];
        for (int g = 0; g < servers.Count; g++)
            sends[g] = Runtime.SendAsync(servers[g], RouterRequest.RetrievalOfMany(first.Operation, keysOf[g], first.Exptime, affinity), CancellationToken.None).AsTask();
        var replies = new byte[servers.Count][];
        RouterReply? failure = null;
        for (int g = 0; g < sends.Length; g++)
        {
            var reply = await sends[g].ConfigureAwait(false);
            if (reply.IsError || reply.Result == ReplyResult.ClientError)
            {
                failure ??= reply;
                replies[g] = "END\r\n"u8.ToArray();
                continue;
            }
            replies[g] = reply.Bytes;
        }
        if (failure is not null && !(Options.GetErrorsAsMisses && failure.IsError))
        {
            Statistics.Replied(first, failure);
            return failure.Bytes;
        }
        if (servers.Count == 1 && failure is null)
        {
            // One server answered every key, hits in the order asked: its reply is the client's as it is.
            int hits = RetrievalReply.CountValues(replies[0]);
            for (int i = 0; i < requests.Count; i++)
                Statistics.GetResult(i < hits);
            return replies[0];
        }
        return RetrievalReply.Merge(requests, serverOf, replies, Statistics);
    }

    /// <summary><c>flush_all [delay]</c> to every server of every pool, when enabled.</summary>
    public async Task<byte[]> FlushAllAsync(string arguments)
    {
        if (!Options.EnableFlushAll)
            return "SERVER_ERROR flush_all is disabled on this router (it would empty every pool); start it with --enable-flush-all\r\n"u8.ToArray();
        string delay = arguments.Replace("noreply", "", StringComparison.Ordinal).Trim();
        if (delay.Length > 0 && !uint.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return "CLIENT_ERROR bad command line format\r\n"u8.ToArray();
        var request = Encoding.ASCII.GetBytes(delay.Length > 0 ? $"flush_all {delay}\r\n" : "flush_all\r\n");
        var servers = Table.Pools.Values.SelectMany(p => p.Current.Servers).Distinct().ToList();
        var failures = new List<string>();
        await Task.WhenAll(servers.Select(async server =>
        {
            try
            {
                var reply = await server.ForwardAsync(request, ReplyFraming.Line, "flush_all", CancellationToken.None).ConfigureAwait(false);
                if (!reply.AsSpan().StartsWith("OK"u8))
                    lock (failures) failures.Add($"{server.Name}: {Encoding.ASCII.GetString(reply).Trim()}");
            }
            catch (HoardException e)
            {
                lock (failures) failures.Add($"{server.Name}: {e.Message}");
            }
        })).ConfigureAwait(false);
        return failures.Count == 0
            ? "OK\r\n"u8.ToArray()
            : RouterReply.Failure(ReplyResult.RemoteError, $"flush_all failed on {failures.Count} of {servers.Count} servers: {string.Join("; ", failures)}").Bytes;
    }

    /// <summary>The reply to <c>stats [group]</c>: the router's own figures, or <c>servers</c> per upstream.</summary>
    public byte[] Stats(string group)
    {
        var lines = group switch
        {
            "" => StatsReport.General(this),
            "servers" => StatsReport.Servers(this),
            "routes" => StatsReport.Routes(this),
            _ => null,
        };
        if (lines is null)
            return "ERROR\r\n"u8.ToArray();
        var text = new StringBuilder();
        foreach (var (name, value) in lines)
            text.Append("STAT ").Append(name).Append(' ').Append(value).Append("\r\n");
        text.Append("END\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public ILogger Logger => Runtime.Logger;
}
