using System.Net;
using DnsClient;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// Every A and AAAA record of a host name is a server, at one configured port: a Kubernetes headless Service
/// (one record per ready pod), a round-robin DNS name. Re-resolved every <see cref="PollingServerDiscovery.Interval"/>
/// (default 5 s). Servers are named by address, since that is all DNS says about them.
/// </summary>
public sealed class DnsServerDiscovery : PollingServerDiscovery
{
    /// <summary>Default time between two lookups.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly LookupClient? _client;

    /// <param name="hostName">The name whose A/AAAA records are the servers.</param>
    /// <param name="port">The servers' port.</param>
    /// <param name="interval">Time between lookups (default 5 s).</param>
    /// <param name="nameServer">
    /// The DNS server to ask. Null (the default) resolves through the operating system (getaddrinfo: search
    /// domains, /etc/hosts and nsswitch apply, as for any other program on the machine).
    /// </param>
    /// <param name="timeout">How long a query to <paramref name="nameServer"/> may take (default 2 s).</param>
    public DnsServerDiscovery(string hostName, int port = ServerEndPoint.DefaultPort, TimeSpan? interval = null, IPEndPoint? nameServer = null, TimeSpan? timeout = null)
        : base(interval ?? DefaultInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        HostName = hostName;
        Port = port;
        NameServer = nameServer;
        if (nameServer is not null)
            _client = DnsQueries.CreateClient(nameServer, timeout ?? DnsQueries.DefaultTimeout);
    }

    /// <summary>The name resolved.</summary>
    public string HostName { get; }

    /// <summary>The port every address gets.</summary>
    public int Port { get; }

    /// <summary>The DNS server asked, or null for the operating system's resolver.</summary>
    public IPEndPoint? NameServer { get; }

    public override string ToString() => NameServer is null
        ? $"DNS discovery of {HostName}"
        : $"DNS discovery of {HostName} at {NameServer}";

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ServerEndPoint>?> LookupAsync(CancellationToken cancellationToken)
    {
        IEnumerable<IPAddress> addresses = _client is null
            ? await Dns.GetHostAddressesAsync(HostName, cancellationToken).ConfigureAwait(false)
            : await DnsQueries.QueryAddressesAsync(_client, HostName, cancellationToken).ConfigureAwait(false);
        return [.. addresses.Select(DnsQueries.HostOf).OfType<string>().Select(host => new ServerEndPoint(host, Port))];
    }
}
