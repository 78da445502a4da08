using System.Net.Sockets;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// Auto discovery through a cluster-configuration endpoint (AWS ElastiCache for Memcached, Google Cloud
/// Memorystore for Memcached): every <see cref="PollingServerDiscovery.Interval"/> (default 60 s) it connects to
/// the endpoint, sends <c>config get cluster</c> and reads the node list. The list is replaced only when the
/// configuration's version is higher than the one in force, so an endpoint node that lags behind cannot roll
/// the ring back; a garbled reply is reported and changes nothing.
/// </summary>
public sealed class ClusterConfigDiscovery : PollingServerDiscovery
{
    /// <summary>Default time between two polls (AWS's own cluster clients poll once a minute).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>Default time connecting, asking and reading may take together.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private long _version = -1;

    /// <param name="host">The configuration endpoint's host (ElastiCache: the name with <c>.cfg.</c> in it).</param>
    /// <param name="port">Its port.</param>
    /// <param name="interval">Time between polls (default 60 s).</param>
    /// <param name="timeout">Time one poll may take (default 5 s).</param>
    public ClusterConfigDiscovery(string host, int port = ServerEndPoint.DefaultPort, TimeSpan? interval = null, TimeSpan? timeout = null)
        : base(interval ?? DefaultInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
        Timeout = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(timeout));
    }

    /// <summary>The configuration endpoint's host.</summary>
    public string Host { get; }

    /// <summary>The configuration endpoint's port.</summary>
    public int Port { get; }

    /// <summary>Time one poll may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Name servers by IP address instead of host name (see <see cref="ClusterConfigNode.ToServerEndPoint"/>).</summary>
    public bool UseIPAddresses { get; init; }

    /// <summary>The version of the configuration in force, or -1 before the first one.</summary>
    public long Version => Interlocked.Read(ref _version);

    public override string ToString() => $"cluster-config discovery at {Host}:{Port}";

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ServerEndPoint>?> LookupAsync(CancellationToken cancellationToken)
    {
        var reply = await FetchAsync(cancellationToken).ConfigureAwait(false);
        if (!ClusterConfig.TryParse(reply, out var config, out var error))
            throw new DiscoveryException($"{this}: {error}");
        if (config.Version <= Version)
            return null; // same or older: nothing new (an older one is a lagging node, not a rollback)
        Interlocked.Exchange(ref _version, config.Version);
        return [.. config.Nodes.Select(n => n.ToServerEndPoint(UseIPAddresses))];
    }

    private async Task<byte[]> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(Host, Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("config get cluster\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[4096];
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length > ClusterConfig.MaxDataBytes + 4096)
                        throw new DiscoveryException($"{this}: reply larger than {ClusterConfig.MaxDataBytes} bytes");
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                    return buffer[..filled]; // closed early: the parser says what is missing
                filled += read;
                var complete = ClusterConfig.CompleteLength(buffer.AsSpan(0, filled));
                if (complete > 0)
                    return buffer[..complete];
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DiscoveryException($"{this}: no complete reply within {Timeout.TotalSeconds:0.###} s");
        }
    }
}
