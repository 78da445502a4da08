using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Hoard.Client.Connections;
using Hoard.Client.Discovery;
using Hoard.Client.Distribution;
using Hoard.Client.Diagnostics;
using Hoard.Client.Values;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Client;

/// <summary>
/// A memcached client for a pool of servers: each key goes to the server the configured distribution picks
/// (agreeing with the other languages' clients of the fleet), over a few pipelined connections per server,
/// speaking the meta protocol. Thread-safe; create one per application and share it.
/// </summary>
public sealed class HoardClient : IAsyncDisposable
{
    /// <summary>memcached reads an expiry above 30 days as an absolute Unix time.</summary>
    private const long MaxRelativeSeconds = 60 * 60 * 24 * 30;

    private readonly HoardClientOptions _options;
    private readonly ConnectionSettings _settings;
    private readonly IServerDiscovery? _discovery;
    private readonly bool _ownsDiscovery;
    private readonly ValueCodec _codec;
    private readonly bool _text;
    private readonly ILogger _logger;
    private readonly Lock _topologyGate = new();
    private readonly Timer _timeoutSweep;
    /// <summary>Every known server (ejected ones included) and the locator over all of them.</summary>
    private Topology _topology;
    /// <summary>The locator over the servers in service now; rebuilt on ejection, return and discovery changes.</summary>
    private Ring _ring;
    private int _disposed;

    public HoardClient(HoardClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("invalid Hoard client options: " + string.Join("; ", problems), nameof(options));
        _options = options;
        _settings = new ConnectionSettings(options.ConnectTimeout, options.MaxInFlightPerConnection);
        _discovery = options.Discovery ?? (options.DiscoveryUri is { } uri ? DiscoverySpec.Parse(uri).CreateDiscovery() : null);
        _ownsDiscovery = options.Discovery is null || options.DisposeDiscovery;
        _codec = new ValueCodec(options.Serializer, options.CompressionThreshold);
        _text = options.Protocol == WireProtocol.Text;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Hoard.Client");
        var servers = _discovery is null ? options.Servers.Select(ServerEndPoint.Parse).ToArray() : [.. _discovery.Current];
        _topology = BuildTopology(servers, []);
        _ring = RingOver(_topology);
        if (_discovery is not null)
        {
            _discovery.Changed += OnServersChanged;
            if (_discovery is PollingServerDiscovery polling)
                polling.LookupFailed += OnLookupFailed;
            // The first lookup may fail (DNS or servers not up yet): discovery retries on its own, and until it
            // succeeds requests fail with a clear error instead of the client failing to construct.
            _ = _discovery.StartAsync();
        }
        // Timeouts are found by a sweep rather than a timer per request: no allocation per request, and a
        // stuck connection is dropped within a tenth of the timeout.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.OperationTimeout.TotalMilliseconds / 10, 5, 100));
        _timeoutSweep = new Timer(static state => ((HoardClient)state!).SweepTimeouts(), this, period, period);
    }

    /// <summary>The servers known now, in configuration (or discovery) order.</summary>
    public IReadOnlyList<ServerEndPoint> Servers => Volatile.Read(ref _topology).Servers;

    /// <summary>The server that holds <paramref name="key"/> now (ejected servers excluded).</summary>
    public ServerEndPoint Locate(string key) => PickNode(Key(key)).Server;

    // ---- reads ----

    /// <summary>The item under <paramref name="key"/>, or null on a miss.</summary>
    public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_text)
            return GetTextAsync(key, cancellationToken);
        // The hot path: a pooled operation holding the key's bytes, awaited by the caller itself (it counts the
        // hit or miss), so a get allocates only its value.
        PooledGetOperation operation;
        CacheNode node;
        try
        {
            operation = PooledGetOperation.Rent(key ?? throw new ArgumentNullException(nameof(key))) ?? throw InvalidKey(key);
            node = PickNode(operation.Key);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<CacheItem?>(ex);
        }
        return Send(node, operation, cancellationToken);
    }

    private async ValueTask<CacheItem?> GetTextAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = Key(key);
        var item = Single(await Run(bytes, new TextGetOperation([bytes], null), cancellationToken).ConfigureAwait(false));
        if (item is null)
            ClientMetrics.Miss();
        else
            ClientMetrics.Hit();
        return item;
    }

    /// <summary>
    /// Reads the value straight into <paramref name="destination"/> (no intermediate array), for callers that
    /// keep their own buffers. Nothing is written on a miss.
    /// </summary>
    public async ValueTask<CacheLookup> GetAsync(string key, IBufferWriter<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = Key(key);
        CacheLookup lookup;
        if (_text)
        {
            var item = Single(await Run(bytes, new TextGetOperation([bytes], null), cancellationToken).ConfigureAwait(false));
            if (item is { } found)
                destination.Write(found.Value.Span);
            lookup = item is { } hit ? new CacheLookup(true, hit.Flags, hit.Cas) : default;
        }
        else
        {
            lookup = await Run(bytes, new MetaGetIntoOperation(bytes, destination), cancellationToken).ConfigureAwait(false);
        }
        if (lookup.Found)
            ClientMetrics.Hit();
        else
            ClientMetrics.Miss();
        return lookup;
    }

    /// <summary>
    /// <see cref="GetAsync(string, CancellationToken)"/> that reports a failed cache as
    /// <see cref="CacheResultStatus.Failed"/> instead of throwing: for callers that fall back to the source of
    /// truth when the cache is down, and want to say so explicitly rather than by catching.
    /// </summary>
    public async ValueTask<CacheResult> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var item = await GetAsync(key, cancellationToken).ConfigureAwait(false);
            return new CacheResult(item is null ? CacheResultStatus.Miss : CacheResultStatus.Hit, item, null);
        }
        catch (HoardException ex)
        {
            return new CacheResult(CacheResultStatus.Failed, null, ex);
        }
    }

    /// <summary>The value under <paramref name="key"/> as UTF-8 text, or null on a miss.</summary>
    public async ValueTask<string?> GetStringAsync(string key, CancellationToken cancellationToken = default)
    {
        var item = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        return item is { } found ? Encoding.UTF8.GetString(found.Value.Span) : null;
    }

    /// <summary>Gets the item and sets its expiry in one round trip (memcached's <c>gat</c>).</summary>
    public ValueTask<CacheItem?> GetAndTouchAsync(string key, TimeSpan? expiry, CancellationToken cancellationToken = default)
    {
        var bytes = Key(key);
        if (_text)
            return GetAndTouchText(bytes, Seconds(expiry), cancellationToken);
        return Run(bytes, new MetaGetOperation(bytes, Seconds(expiry)), cancellationToken);
    }

    private async ValueTask<CacheItem?> GetAndTouchText(byte[] key, long seconds, CancellationToken cancellationToken) =>
        Single(await Run(key, new TextGetOperation([key], seconds), cancellationToken).ConfigureAwait(false));

    private static CacheItem? Single(List<KeyValuePair<string, CacheItem>> found) => found.Count > 0 ? found[0].Value : null;

    /// <summary>
    /// Every key found, with its item. Keys are grouped per server and every server is asked at once, one
    /// pipelined batch each; misses cost nothing on the wire.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var perNode = new Dictionary<CacheNode, List<byte[]>>();
        foreach (var key in keys)
        {
            var bytes = Key(key);
            var node = PickNode(bytes);
            if (!perNode.TryGetValue(node, out var list))
                perNode[node] = list = [];
            list.Add(bytes);
        }
        // Every server's batch is on the wire before the first reply is awaited.
        var batches = new List<(CacheNode Node, Task<List<KeyValuePair<string, CacheItem>>> Reply)>(perNode.Count);
        foreach (var (node, nodeKeys) in perNode)
        {
            Operation<List<KeyValuePair<string, CacheItem>>> batch = _text ? new TextGetOperation(nodeKeys, null) : new MetaGetManyOperation(nodeKeys);
            batches.Add((node, Send(node, batch, cancellationToken).AsTask()));
        }
        var found = new Dictionary<string, CacheItem>(StringComparer.Ordinal);
        List<Exception>? errors = null;
        foreach (var (node, reply) in batches)
        {
            try
            {
                foreach (var (key, item) in await reply.ConfigureAwait(false))
                    found[key] = item;
            }
            catch (HoardException ex)
            {
                (errors ??= []).Add(ex);
            }
        }
        ClientMetrics.Hit(found.Count);
        ClientMetrics.Miss(perNode.Values.Sum(k => k.Count) - found.Count);
        if (errors is not null)
            throw new HoardException($"{errors.Count} of {batches.Count} servers failed a multi-get: {errors[0].Message}", new AggregateException(errors));
        return found;
    }

    // ---- writes ----

    /// <summary>Stores <paramref name="value"/> (memcached's <c>set</c>); true when stored.</summary>
    public ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null, uint flags = 0, CancellationToken cancellationToken = default)
    {
        if (_text)
            return SetTextAsync(key, value, expiry, flags, cancellationToken);
        // The hot path, as for a get: the caller awaits the pooled operation's "stored" view directly.
        PooledStoreOperation operation;
        CacheNode node;
        try
        {
            operation = PooledStoreOperation.Rent(key ?? throw new ArgumentNullException(nameof(key)), value, flags, Seconds(expiry), StoreMode.Set, 0) ?? throw InvalidKey(key);
            node = PickNode(operation.Key);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<bool>(ex);
        }
        return Start(node, operation, cancellationToken) is { } failed ? Failed<bool>(failed, cancellationToken) : operation.Stored;
    }

    private async ValueTask<bool> SetTextAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry, uint flags, CancellationToken cancellationToken) =>
        await StoreAsync(StoreMode.Set, key, value, expiry, flags, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;

    /// <summary>
    /// Stores a typed value: strings as UTF-8 (flag 16) and integers as decimal text (flag 2), as Python clients
    /// store them; byte arrays as they are; anything else through <see cref="HoardClientOptions.Serializer"/>.
    /// Values over <see cref="HoardClientOptions.CompressionThreshold"/> are compressed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> SetValueAsync<T>(string key, T value, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var (bytes, flags) = _codec.Encode(value);
        return await StoreAsync(StoreMode.Set, key, bytes, expiry, flags, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;
    }

    /// <summary>
    /// Reads a typed value written by <see cref="SetValueAsync{T}(string, T, TimeSpan?, CancellationToken)"/> (or by a
    /// Python client: text, integers, zlib-compressed values). A miss is <c>default</c>; use
    /// <see cref="GetAsync(string, CancellationToken)"/> to tell a miss from a stored default.
    /// </summary>
    /// <exception cref="HoardSerializationException">The stored bytes are not a <typeparamref name="T"/>.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T?> GetValueAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var item = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        return item is { } found ? _codec.Decode<T>(found.Value, found.Flags) : default;
    }

    /// <summary>
    /// The cached value, or the factory's, computed by one caller at a time across every client of the cache
    /// (memcached's meta-protocol leases): on a miss exactly one caller wins the right to run
    /// <paramref name="factory"/> and store its result; the others wait for it instead of all hitting the
    /// database. A value marked stale (<see cref="InvalidateAsync"/>) or close to expiry
    /// (<see cref="GetOrCreateOptions.RecacheBefore"/>) is served to everyone while one caller refreshes it.
    /// </summary>
    public async ValueTask<T?> GetOrCreateAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan expiry,
        GetOrCreateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        RequireMeta(nameof(GetOrCreateAsync));
        options ??= GetOrCreateOptions.Default;
        var bytes = Key(key);
        long lockSeconds = Math.Max(1, (long)Math.Ceiling(options.LockTimeout.TotalSeconds));
        long recacheSeconds = options.RecacheBefore is { } before ? Math.Max(1, (long)Math.Ceiling(before.TotalSeconds)) : 0;
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var lease = await Run(bytes, new MetaLeaseGetOperation(bytes, lockSeconds, recacheSeconds), cancellationToken).ConfigureAwait(false);
            // One hit or miss per call: a hit when the value came from the cache (a stale one served while
            // another caller refreshes it included), a miss when this call ran the factory (a stale value it
            // won the right to refresh included). The polls while another caller computes do not count.
            if (lease.Win)
            {
                ClientMetrics.Miss();
                return await Recompute(bytes, lease, factory, expiry, cancellationToken).ConfigureAwait(false);
            }
            if (lease.Item is { } item && !IsPlaceholder(item, lease))
            {
                ClientMetrics.Hit();
                return _codec.Decode<T>(item.Value, item.Flags);
            }
            // Another caller holds the lease and is computing. If it does not store in time (it crashed, or is
            // slow), stop waiting and compute here; the cache is still spared the stampede until then.
            if (waited.Elapsed >= options.LockTimeout)
            {
                ClientMetrics.Miss();
                return await factory(cancellationToken).ConfigureAwait(false);
            }
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.MaxPollInterval.Ticks));
        }
    }

    /// <summary>
    /// Marks the item stale for <paramref name="staleFor"/> instead of deleting it: the next
    /// <see cref="GetOrCreateAsync{T}"/> caller recomputes it while the others are still served the old
    /// value. Use after a database write when a brief stale read is acceptable; use <see cref="DeleteAsync"/>
    /// when it is not.
    /// </summary>
    public ValueTask<bool> InvalidateAsync(string key, TimeSpan staleFor, CancellationToken cancellationToken = default)
    {
        RequireMeta(nameof(InvalidateAsync));
        var bytes = Key(key);
        return Run(bytes, new MetaInvalidateOperation(bytes, Math.Max(1, (long)Math.Ceiling(staleFor.TotalSeconds))), cancellationToken);
    }

    /// <summary>Stores only if the key is absent (<c>add</c>).</summary>
    public async ValueTask<bool> AddAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null, uint flags = 0, CancellationToken cancellationToken = default) =>
        await StoreAsync(StoreMode.Add, key, value, expiry, flags, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;

    /// <summary>Stores only if the key exists (<c>replace</c>).</summary>
    public async ValueTask<bool> ReplaceAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null, uint flags = 0, CancellationToken cancellationToken = default) =>
        await StoreAsync(StoreMode.Replace, key, value, expiry, flags, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;

    /// <summary>Adds bytes after the existing value (<c>append</c>); false when the key is absent.</summary>
    public async ValueTask<bool> AppendAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        await StoreAsync(StoreMode.Append, key, value, null, 0, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;

    /// <summary>Adds bytes before the existing value (<c>prepend</c>); false when the key is absent.</summary>
    public async ValueTask<bool> PrependAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        await StoreAsync(StoreMode.Prepend, key, value, null, 0, cancellationToken).ConfigureAwait(false) == StoreResult.Stored;

    /// <summary>Any store command, with the server's exact answer.</summary>
    public ValueTask<StoreResult> StoreAsync(StoreMode mode, string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null, uint flags = 0, CancellationToken cancellationToken = default)
    {
        if (_text)
        {
            var bytes = Key(key);
            return Run(bytes, StoreOperation(bytes, value, flags, Seconds(expiry), mode, 0), cancellationToken);
        }
        var operation = PooledStoreOperation.Rent(key ?? throw new ArgumentNullException(nameof(key)), value, flags, Seconds(expiry), mode, 0) ?? throw InvalidKey(key);
        return Send(PickNode(operation.Key), operation, cancellationToken);
    }

    /// <summary>
    /// Stores only if the item is unchanged since <paramref name="cas"/> was read (<see cref="CacheItem.Cas"/>):
    /// <see cref="StoreResult.Exists"/> when someone else changed it, <see cref="StoreResult.NotFound"/> when it is gone.
    /// </summary>
    public ValueTask<StoreResult> CasAsync(string key, ReadOnlyMemory<byte> value, ulong cas, TimeSpan? expiry = null, uint flags = 0, CancellationToken cancellationToken = default)
    {
        if (cas == 0)
            throw new ArgumentOutOfRangeException(nameof(cas), "a CAS token is never 0; read it with GetAsync");
        var bytes = Key(key);
        return Run(bytes, StoreOperation(bytes, value, flags, Seconds(expiry), StoreMode.Set, cas), cancellationToken);
    }

    /// <summary>Deletes the key; false when it was not there.</summary>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var bytes = Key(key);
        if (_text)
            return Found(Run(bytes, new TextLineOperation("delete", bytes, null), cancellationToken));
        return Run(bytes, new MetaDeleteOperation(bytes, 0), cancellationToken);
    }

    /// <summary>Adds to a counter; null when the key is absent (unless <paramref name="initial"/> creates it).</summary>
    public ValueTask<ulong?> IncrementAsync(string key, ulong delta = 1, ulong? initial = null, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var bytes = Key(key);
        if (_text)
            return TextArithmetic("incr", bytes, delta, initial, cancellationToken);
        return Run(bytes, new MetaArithmeticOperation(bytes, delta, decrement: false, initial, Seconds(expiry)), cancellationToken);
    }

    /// <summary>Subtracts from a counter, stopping at 0 as memcached does; null when the key is absent.</summary>
    public ValueTask<ulong?> DecrementAsync(string key, ulong delta = 1, ulong? initial = null, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var bytes = Key(key);
        if (_text)
            return TextArithmetic("decr", bytes, delta, initial, cancellationToken);
        return Run(bytes, new MetaArithmeticOperation(bytes, delta, decrement: true, initial, Seconds(expiry)), cancellationToken);
    }

    /// <summary>Sets a new expiry; false when the key is absent.</summary>
    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiry, CancellationToken cancellationToken = default)
    {
        var bytes = Key(key);
        if (_text)
            return Found(Run(bytes, new TextLineOperation("touch", bytes, Seconds(expiry).ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken));
        return Run(bytes, new MetaTouchOperation(bytes, Seconds(expiry)), cancellationToken);
    }

    // ---- every server ----

    /// <summary>Empties every server (<c>flush_all</c>), optionally after a delay.</summary>
    public async ValueTask FlushAllAsync(TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        string command = delay is { } d && d > TimeSpan.Zero ? $"flush_all {(long)Math.Ceiling(d.TotalSeconds)}" : "flush_all";
        foreach (var (server, lines) in await OnEveryServer(command, untilEnd: false, cancellationToken).ConfigureAwait(false))
        {
            if (lines[0] != "OK")
                throw new HoardServerException($"{server.HostPort} answered flush_all with '{lines[0]}'");
        }
    }

    /// <summary>Each server's <c>stats</c> (or <c>stats GROUP</c>) as name/value pairs.</summary>
    /// <exception cref="HoardException">A server did not answer (<see cref="StatsOfEachServerAsync"/> gives the others' figures then).</exception>
    public async ValueTask<IReadOnlyDictionary<ServerEndPoint, IReadOnlyDictionary<string, string>>> StatsAsync(string? group = null, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<ServerEndPoint, IReadOnlyDictionary<string, string>>();
        foreach (var (server, lines) in await OnEveryServer(group is null ? "stats" : "stats " + group, untilEnd: true, cancellationToken).ConfigureAwait(false))
            result[server] = ParseStats(lines);
        return result;
    }

    /// <summary>Each server's version string.</summary>
    /// <exception cref="HoardException">A server did not answer (<see cref="VersionOfEachServerAsync"/> gives the others' answers then).</exception>
    public async ValueTask<IReadOnlyDictionary<ServerEndPoint, string>> VersionAsync(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<ServerEndPoint, string>();
        foreach (var (server, lines) in await OnEveryServer("version", untilEnd: false, cancellationToken).ConfigureAwait(false))
            result[server] = ParseVersion(lines);
        return result;
    }

    /// <summary>
    /// Each server's <c>stats</c> (or <c>stats GROUP</c>), or why it has none: one server down does not hide the
    /// others' figures (a health page, <c>hoard stats</c>).
    /// </summary>
    public async ValueTask<IReadOnlyList<ServerAnswer<IReadOnlyDictionary<string, string>>>> StatsOfEachServerAsync(string? group = null, CancellationToken cancellationToken = default)
    {
        var answers = await OnEachServer(group is null ? "stats" : "stats " + group, untilEnd: true, cancellationToken).ConfigureAwait(false);
        return [.. answers.Select(a => new ServerAnswer<IReadOnlyDictionary<string, string>>(a.Server, a.Lines is { } lines ? ParseStats(lines) : null, a.Error))];
    }

    /// <summary>Each server's version string, or why it has none.</summary>
    public async ValueTask<IReadOnlyList<ServerAnswer<string>>> VersionOfEachServerAsync(CancellationToken cancellationToken = default)
    {
        var answers = await OnEachServer("version", untilEnd: false, cancellationToken).ConfigureAwait(false);
        return [.. answers.Select(a => new ServerAnswer<string>(a.Server, a.Lines is { } lines ? ParseVersion(lines) : null, a.Error))];
    }

    private static string ParseVersion(IReadOnlyList<string> lines) =>
        lines[0].StartsWith("VERSION ", StringComparison.Ordinal) ? lines[0]["VERSION ".Length..] : lines[0];

    private static Dictionary<string, string> ParseStats(IReadOnlyList<string> lines)
    {
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            if (parts.Length == 3 && parts[0] == "STAT")
                stats[parts[1]] = parts[2];
        }
        return stats;
    }

    /// <summary>Sends <paramref name="command"/> to every server at once; each server's reply lines or its failure.</summary>
    private async ValueTask<List<(ServerEndPoint Server, IReadOnlyList<string>? Lines, HoardException? Error)>> OnEachServer(string command, bool untilEnd, CancellationToken cancellationToken)
    {
        var pending = Volatile.Read(ref _topology).Nodes.Select(node => (node, Send(node, new TextLinesOperation(command, untilEnd), cancellationToken).AsTask())).ToList();
        var results = new List<(ServerEndPoint, IReadOnlyList<string>?, HoardException?)>(pending.Count);
        foreach (var (node, reply) in pending)
        {
            try
            {
                results.Add((node.Server, await reply.ConfigureAwait(false), null));
            }
            catch (HoardException e)
            {
                results.Add((node.Server, null, e));
            }
        }
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _timeoutSweep.DisposeAsync().ConfigureAwait(false);
        if (_discovery is not null)
        {
            _discovery.Changed -= OnServersChanged;
            if (_discovery is PollingServerDiscovery polling)
                polling.LookupFailed -= OnLookupFailed;
            if (_ownsDiscovery)
                await _discovery.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var node in Volatile.Read(ref _topology).Nodes)
            await node.DisposeAsync().ConfigureAwait(false);
    }

    // ---- plumbing ----

    /// <summary>Sends <paramref name="command"/> to every server at once; every server's reply lines, or the first failure (in server order).</summary>
    private async ValueTask<List<(ServerEndPoint Server, IReadOnlyList<string> Lines)>> OnEveryServer(string command, bool untilEnd, CancellationToken cancellationToken)
    {
        var answers = await OnEachServer(command, untilEnd, cancellationToken).ConfigureAwait(false);
        if (answers.FirstOrDefault(a => a.Error is not null).Error is { } error)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return [.. answers.Select(a => (a.Server, a.Lines!))];
    }

    private async ValueTask<T?> Recompute<T>(byte[] key, LeaseReply lease, Func<CancellationToken, ValueTask<T>> factory, TimeSpan expiry, CancellationToken cancellationToken)
    {
        ulong leaseCas = lease.Item?.Cas ?? 0;
        T value;
        try
        {
            value = await factory(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            GiveLeaseBack(key, lease, leaseCas);
            throw;
        }
        // Nothing to cache: the lease goes back too, or every other caller would wait out the lock timeout.
        if (value is null)
        {
            GiveLeaseBack(key, lease, leaseCas);
            return value;
        }
        var (bytes, flags) = _codec.Encode(value);
        // Stored over the placeholder (or the stale item) only if nobody changed it meanwhile: a delete after a
        // database write must win over a value computed from the data before that write.
        // Not stored (EXISTS / NOT_FOUND) means exactly that and is no error; it is counted, so an application whose
        // values keep losing their leases (invalidated faster than computed) can see it.
        if (await Run(key, new MetaStoreOperation(key, bytes, flags, Seconds(expiry), StoreMode.Set, leaseCas), cancellationToken).ConfigureAwait(false) != StoreResult.Stored)
            ClientMetrics.ComputedNotStored();
        return value;
    }

    /// <summary>
    /// Gives a lease back at once (deletes the placeholder if it is still ours) so the next caller computes,
    /// instead of everyone waiting for the lock to time out.
    /// </summary>
    private void GiveLeaseBack(byte[] key, LeaseReply lease, ulong leaseCas)
    {
        if (lease.Item is { Value.Length: 0 })
            _ = Run(key, new MetaDeleteOperation(key, leaseCas), CancellationToken.None).AsTask();
    }

    private Operation<StoreResult> StoreOperation(byte[] key, ReadOnlyMemory<byte> value, uint flags, long seconds, StoreMode mode, ulong cas) =>
        _text ? new TextStoreOperation(key, value, flags, seconds, mode, cas) : new MetaStoreOperation(key, value, flags, seconds, mode, cas);

    private static async ValueTask<bool> Found(ValueTask<(bool Found, ulong Number)> reply) => (await reply.ConfigureAwait(false)).Found;

    /// <summary>incr/decr in the text protocol; creating a missing counter takes an <c>add</c> and a retry.</summary>
    private async ValueTask<ulong?> TextArithmetic(string verb, byte[] key, ulong delta, ulong? initial, CancellationToken cancellationToken)
    {
        var argument = delta.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (found, number) = await Run(key, new TextLineOperation(verb, key, argument), cancellationToken).ConfigureAwait(false);
        if (found)
            return number;
        if (initial is not { } start)
            return null;
        var text = Encoding.ASCII.GetBytes(start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (await Run(key, new TextStoreOperation(key, text, 0, 0, StoreMode.Add, 0), cancellationToken).ConfigureAwait(false) == StoreResult.Stored)
            return start;
        (found, number) = await Run(key, new TextLineOperation(verb, key, argument), cancellationToken).ConfigureAwait(false);
        return found ? number : null;
    }

    private void RequireMeta(string operation)
    {
        if (_text)
            throw new NotSupportedException($"{operation} needs the meta protocol (leases); this client is configured for the text protocol");
    }

    /// <summary>The empty item the server creates for the lease winner of a miss, as other callers see it.</summary>
    private static bool IsPlaceholder(CacheItem item, LeaseReply lease) =>
        item.Value.Length == 0 && item.Flags == 0 && lease.AlreadyWon && !lease.Stale;

    private ValueTask<T> Run<T>(byte[] key, Operation<T> operation, CancellationToken cancellationToken) =>
        Send(PickNode(key), operation, cancellationToken);

    /// <summary>
    /// Sends <paramref name="operation"/> to <paramref name="node"/>; the caller awaits the operation itself.
    /// No async state machine in between: even a pooled one is allocated again whenever the thread that
    /// returns it (where the reply's continuation ran) is not the one that rents it (a caller blocking on the
    /// result, as the synchronous <c>IDistributedCache</c> methods do).
    /// </summary>
    private ValueTask<T> Send<T>(CacheNode node, Operation<T> operation, CancellationToken cancellationToken) =>
        Start(node, operation, cancellationToken) is { } failed ? Failed<T>(failed, cancellationToken) : operation.Task;

    /// <summary>Queues <paramref name="operation"/> on a connection of <paramref name="node"/>; the error that stopped it, or null.</summary>
    private Exception? Start<T>(CacheNode node, Operation<T> operation, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return new ObjectDisposedException(GetType().FullName);
        if (cancellationToken.IsCancellationRequested)
            return new OperationCanceledException(cancellationToken);
        try
        {
            operation.ObserveCancellation(cancellationToken);
            operation.ReportTo(node);
            node.Connection().Send(operation);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>A task failed with <paramref name="error"/> as an async method would return it (cancelled for a cancellation).</summary>
    private static ValueTask<T> Failed<T>(Exception error, CancellationToken cancellationToken) =>
        error is OperationCanceledException && cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<T>(cancellationToken)
            : ValueTask.FromException<T>(error);

    private CacheNode PickNode(ReadOnlySpan<byte> key)
    {
        var ring = Volatile.Read(ref _ring);
        if (Stopwatch.GetTimestamp() >= ring.ValidUntil)
            ring = RebuildRing();
        if (ring.Nodes.Length == 0)
            throw new HoardConnectionException("no cache servers are known yet: discovery has not found any");
        return ring.Nodes[ring.Locator.LocateIndex(key)];
    }

    private void OnConnectionBroken(CacheNode node, Exception reason)
    {
        int failures = node.ConsecutiveFailures + 1;
        if (node.RecordFailure(_options.FailureLimit, _options.RetryTimeout))
        {
            Log.Ejected(_logger, node.Server.HostPort, _options.RetryTimeout.TotalSeconds, failures, reason.Message);
            ClientMetrics.Ejected(node.Server.HostPort);
            RebuildRing();
        }
        else
        {
            Log.ConnectionFailed(_logger, node.Server.HostPort, reason.Message);
        }
    }

    /// <summary>Re-reads which servers are ejected and publishes the ring over the others.</summary>
    private Ring RebuildRing()
    {
        lock (_topologyGate)
        {
            var ring = RingOver(_topology);
            Volatile.Write(ref _ring, ring);
            return ring;
        }
    }

    /// <summary>The ring over servers not ejected; valid until the first ejected server's retry time.</summary>
    private static Ring RingOver(Topology topology)
    {
        var nodes = topology.Nodes;
        var live = nodes.Where(n => !n.IsEjected).ToArray();
        if (live.Length == nodes.Length || live.Length == 0)
        {
            // With every server ejected, requests go to their own server and fail there with its error,
            // rather than all failing with a vaguer one.
            return new Ring(topology.Locator, nodes, live.Length == 0 && nodes.Length > 0 ? Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10 : long.MaxValue);
        }
        long until = nodes.Where(n => n.IsEjected).Min(n => n.EjectedUntil);
        return new Ring(topology.Locator.WithNodes(live.Select(n => n.Server)), live, until);
    }

    /// <summary>Nodes for <paramref name="servers"/>, keeping the connections (and health) of servers already known.</summary>
    private Topology BuildTopology(IReadOnlyList<ServerEndPoint> servers, IReadOnlyList<CacheNode> known)
    {
        var byServer = known.ToDictionary(n => n.Server);
        var nodes = servers.Select(s => byServer.TryGetValue(s, out var node) ? node : new CacheNode(s, _settings, _options.ConnectionsPerServer, OnConnectionBroken)).ToArray();
        var locator = servers.Count > 0 ? NodeLocator.Create(_options.Distribution, servers, _options.KetamaFlavor) : new EmptyLocator(_options.Distribution, _options.KetamaFlavor);
        return new Topology(servers, nodes, locator);
    }

    private void OnServersChanged(IReadOnlyList<ServerEndPoint> servers)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        CacheNode[] removed;
        lock (_topologyGate)
        {
            var previous = _topology;
            _topology = BuildTopology(servers, previous.Nodes);
            Volatile.Write(ref _ring, RingOver(_topology));
            removed = [.. previous.Nodes.Except(_topology.Nodes)];
        }
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string list = string.Join(", ", servers.Select(s => s.HostPort));
            Log.ServersChanged(_logger, servers.Count, list);
        }
        // Requests already sent to a removed server finish (or time out) before its connections close.
        if (removed.Length > 0)
            _ = CloseLaterAsync(removed, _options.OperationTimeout + TimeSpan.FromSeconds(1));
    }

    private void OnLookupFailed(Exception error) => Log.DiscoveryFailed(_logger, error.Message);

    private static async Task CloseLaterAsync(CacheNode[] nodes, TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        foreach (var node in nodes)
            await node.DisposeAsync().ConfigureAwait(false);
    }

    private void SweepTimeouts()
    {
        foreach (var node in Volatile.Read(ref _topology).Nodes)
            node.BreakTimedOut(_options.OperationTimeout);
    }

    private static ArgumentException InvalidKey(string key) =>
        new($"a key must be 1-250 bytes of UTF-8 (binary keys up to 187 bytes); this one is {Encoding.UTF8.GetByteCount(key)}", nameof(key));

    private byte[] Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encoding.UTF8.GetBytes(key);
        if (!Hoard.Protocol.Meta.MetaRequestWriter.IsValidKey(bytes))
            throw new ArgumentException($"a key must be 1-250 bytes of UTF-8 (binary keys up to 187 bytes); this one is {bytes.Length}", nameof(key));
        if (_text && !Hoard.Protocol.Meta.MetaRequestWriter.IsPlainKey(bytes))
            throw new ArgumentException("the text protocol cannot carry keys with spaces or control characters; use the meta protocol", nameof(key));
        return bytes;
    }

    /// <summary>memcached's expiry: 0 never expires, up to 30 days relative, beyond that an absolute Unix time.</summary>
    internal static long Seconds(TimeSpan? expiry)
    {
        if (expiry is not { } ttl || ttl == TimeSpan.Zero)
            return 0;
        if (ttl < TimeSpan.Zero)
            return -1;
        long seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        return seconds <= MaxRelativeSeconds ? seconds : DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds;
    }

    private sealed record Ring(INodeLocator Locator, CacheNode[] Nodes, long ValidUntil);

    private sealed record Topology(IReadOnlyList<ServerEndPoint> Servers, CacheNode[] Nodes, INodeLocator Locator);
}
