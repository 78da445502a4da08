using System.Net;
using DnsClient;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// The SRV records of a service name such as <c>_memcache._tcp.mycache.default.svc.cluster.local</c> (what
/// Kubernetes serves for a named port of a headless Service, and Consul for a service) are the servers: each
/// record's target host at the record's port, with the record's weight. Only the records of the lowest
/// priority are used (higher priorities are backups in SRV's meaning). Re-queried every
/// <see cref="PollingServerDiscovery.Interval"/> (default 5 s).
/// </summary>
/// <remarks>
/// Weights: an SRV weight of 0 counts as 1 (the smallest share a server can have; SRV allows 0, a server
/// weight does not), then all weights are divided by their greatest common divisor, so the equal weights that
/// Kubernetes (e.g. 33 for each of 3 pods) and Consul (1) give become 1 each and the ring is the one the same
/// servers would get from a plain list. Unequal weights keep their ratios.
/// </remarks>
public sealed class SrvServerDiscovery : PollingServerDiscovery
{
    /// <summary>Default time between two lookups.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly LookupClient _client;

    /// <param name="serviceName">The SRV name, e.g. <c>_memcache._tcp.mycache.default.svc.cluster.local</c>.</param>
    /// <param name="interval">Time between lookups (default 5 s).</param>
    /// <param name="nameServer">The DNS server to ask; null (the default) asks the system's name servers (resolv.conf).</param>
    /// <param name="timeout">How long one query may take (default 2 s).</param>
    public SrvServerDiscovery(string serviceName, TimeSpan? interval = null, IPEndPoint? nameServer = null, TimeSpan? timeout = null)
        : base(interval ?? DefaultInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ServiceName = serviceName;
        NameServer = nameServer;
        _client = DnsQueries.CreateClient(nameServer, timeout ?? DnsQueries.DefaultTimeout);
    }

    /// <summary>The SRV name queried.</summary>
    public string ServiceName { get; }

    /// <summary>The DNS server asked, or null for the system's name servers.</summary>
    public IPEndPoint? NameServer { get; }

    /// <summary>
    /// False (the default): each target is resolved (through the answer's additional section, else an A/AAAA
    /// query) and its addresses are the servers. True: the target host names themselves are the servers, so a
    /// StatefulSet pod keeps its place on the ring when it comes back with a new address; the names must then
    /// be resolvable by the resolver the connections use.
    /// </summary>
    public bool UseTargetNames { get; init; }

    public override string ToString() => NameServer is null
        ? $"SRV discovery of {ServiceName}"
        : $"SRV discovery of {ServiceName} at {NameServer}";

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ServerEndPoint>?> LookupAsync(CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(ServiceName, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        DnsQueries.ThrowOnError(response, ServiceName);
        // A target of "." says the service is deliberately not offered there (RFC 2782).
        var records = response.Answers.SrvRecords().Where(r => DnsQueries.Canonical(r.Target).Length > 0).ToList();
        if (records.Count == 0)
            return [];
        var lowest = records.Min(r => r.Priority);
        records.RemoveAll(r => r.Priority != lowest);
        var weights = Weights(records.Select(r => (int)r.Weight).ToArray());

        var servers = new List<ServerEndPoint>();
        var unresolved = new List<string>();
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var target = DnsQueries.Canonical(record.Target);
            if (UseTargetNames)
            {
                servers.Add(new ServerEndPoint(target, record.Port, weights[i]));
                continue;
            }
            var hosts = (await AddressesOfAsync(response, target, cancellationToken).ConfigureAwait(false))
                .Select(DnsQueries.HostOf).OfType<string>().ToList();
            if (hosts.Count == 0)
                unresolved.Add(target);
            servers.AddRange(hosts.Select(host => new ServerEndPoint(host, record.Port, weights[i])));
        }
        if (servers.Count == 0 && unresolved.Count > 0)
            throw new DiscoveryException($"{this}: no target resolved ({string.Join(", ", unresolved)})");
        return servers;
    }

    /// <summary>SRV weights (0-65535) as server weights: 0 counts as 1, then all are divided by their GCD.</summary>
    internal static int[] Weights(IReadOnlyList<int> srvWeights)
    {
        var weights = srvWeights.Select(w => Math.Max(w, 1)).ToArray();
        var divisor = weights.Aggregate(0, Gcd);
        if (divisor > 1)
        {
            for (int i = 0; i < weights.Length; i++)
                weights[i] /= divisor;
        }
        return weights;

        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
    }

    private async Task<IReadOnlyList<IPAddress>> AddressesOfAsync(IDnsQueryResponse response, string target, CancellationToken cancellationToken)
    {
        // Kubernetes' DNS, Consul and dnsmasq usually send the targets' addresses along; ask only when they did not.
        var additional = response.Additionals.ARecords().Where(r => DnsQueries.Canonical(r.DomainName) == target).Select(r => r.Address)
            .Concat(response.Additionals.AaaaRecords().Where(r => DnsQueries.Canonical(r.DomainName) == target).Select(r => r.Address))
            .ToList();
        if (additional.Count > 0)
            return additional;
        try
        {
            return await DnsQueries.QueryAddressesAsync(_client, target, cancellationToken).ConfigureAwait(false);
        }
        catch (DiscoveryException)
        {
            // One target that does not resolve (a pod going away) must not hide the others.
            return [];
        }
    }
}
