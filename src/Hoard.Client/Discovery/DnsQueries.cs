using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Hoard.Client.Discovery;

/// <summary>The DNS plumbing the A/AAAA and SRV sources share.</summary>
internal static class DnsQueries
{
    /// <summary>Default time one DNS query may take before it counts as failed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A resolver asking <paramref name="nameServer"/>, or the system's name servers (resolv.conf) when null.
    /// Its cache is off: discovery must see a change as soon as the server serves it, not after a TTL here.
    /// </summary>
    public static LookupClient CreateClient(IPEndPoint? nameServer, TimeSpan timeout)
    {
        var options = nameServer is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(nameServer));
        options.UseCache = false;
        options.Timeout = timeout;
        options.Retries = 1;
        options.UseTcpFallback = true; // a large headless service's answer can be truncated over UDP
        options.ThrowDnsErrors = false;
        return new LookupClient(options);
    }

    /// <summary>
    /// A and AAAA records of <paramref name="name"/> (CNAMEs followed by the server). Throws on NXDOMAIN and server
    /// errors, unless the other query found addresses: some servers refuse or fail AAAA queries for names they
    /// only have A records for, and that must not hide the A records.
    /// </summary>
    public static async Task<List<IPAddress>> QueryAddressesAsync(ILookupClient client, string name, CancellationToken cancellationToken)
    {
        var a = client.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken);
        var aaaa = client.QueryAsync(name, QueryType.AAAA, QueryClass.IN, cancellationToken);
        var responses = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        var addresses = new List<IPAddress>();
        IDnsQueryResponse? failed = null;
        foreach (var response in responses)
        {
            if (response.HasError)
            {
                failed ??= response;
                continue;
            }
            addresses.AddRange(response.Answers.ARecords().Select(r => r.Address));
            addresses.AddRange(response.Answers.AaaaRecords().Select(r => r.Address));
        }
        if (addresses.Count == 0 && failed is not null)
            ThrowOnError(failed, name);
        return addresses;
    }

    public static void ThrowOnError(IDnsQueryResponse response, string name)
    {
        if (response.HasError)
            throw new DiscoveryException($"DNS lookup of {name} at {response.NameServer}: {response.ErrorMessage}");
    }

    /// <summary>
    /// The address as a server host, or null for one no client could use from here: a link-local IPv6 address
    /// needs a scope (an interface) that DNS cannot say.
    /// </summary>
    public static string? HostOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && (address.IsIPv6LinkLocal || address.ScopeId != 0))
            return null;
        return address.ToString();
    }

    /// <summary>A DNS name as written in records and comparisons: lower case, without the root dot.</summary>
    public static string Canonical(string name) => name.TrimEnd('.').ToLowerInvariant();

    public static string Canonical(DnsString name) => Canonical(name.Value);
}
