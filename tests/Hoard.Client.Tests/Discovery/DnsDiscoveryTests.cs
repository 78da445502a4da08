using Hoard.Client.Discovery;

namespace Hoard.Client.Tests.Discovery;

/// <summary>
/// DNS A/AAAA and SRV discovery against a real DNS server (dnsmasq) serving what a Kubernetes headless Service
/// produces: the service name with one A record per ready pod, a name per pod, and
/// <c>_memcache._tcp.SERVICE</c> SRV records pointing at the pod names. The records change 3 → 4 → 2 pods and
/// the discovery must follow.
/// </summary>
public sealed class DnsDiscoveryTests
{
    private const string Service = "mycache-hoard.default.svc.cluster.local";
    private const string SrvName = "_memcache._tcp." + Service;
    private static readonly TimeSpan FastInterval = TimeSpan.FromMilliseconds(200);
    // Far above a lookup's real time: on a loaded test machine dnsmasq can take seconds to answer, and a first
    // lookup that times out leaves the list empty until the next one, a minute later in some tests.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(15);

    private static string PodName(int i) => $"mycache-hoard-{i}.mycache-hoard.default.svc.cluster.local";

    private static string PodAddress(int i) => $"127.0.0.{11 + i}";

    /// <summary>Hosts lines for pods <paramref name="pods"/>: each address under the service name and its pod name.</summary>
    private static (string, string[])[] Pods(params int[] pods) =>
        [.. pods.Select(i => (PodAddress(i), new[] { Service, PodName(i) }))];

    private static Dictionary<string, SrvEntry[]> Srv(int weight, params int[] pods) =>
        new() { [SrvName] = [.. pods.Select(i => new SrvEntry(PodName(i), 11211, 0, weight))] };

    private static string[] Expected(int port, params int[] pods) => [.. pods.Select(i => $"{PodAddress(i)}:{port}")];

    [Fact]
    public async Task Dns_discovery_follows_the_headless_service_from_3_to_4_to_2_pods()
    {
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1, 2));
        await using var discovery = new DnsServerDiscovery(Service, 11311, FastInterval, dns.EndPoint, LookupTimeout);
        var changes = new List<int>();
        discovery.Changed += list =>
        {
            lock (changes)
                changes.Add(list.Count);
        };

        await discovery.StartAsync();
        Assert.True(discovery.LastError is null, $"{discovery.LastError}\n{dns.Log}");
        Assert.Equal(Expected(11311, 0, 1, 2), discovery.Current.Select(s => s.ToString()));

        dns.SetHosts(Pods(0, 1, 2, 3));
        await Eventually.ServersAsync(discovery, Expected(11311, 0, 1, 2, 3));

        dns.SetHosts(Pods(1, 3));
        await Eventually.ServersAsync(discovery, Expected(11311, 1, 3));

        // Several more polls with the same records: no further Changed.
        await Task.Delay(FastInterval * 5);
        lock (changes)
            Assert.Equal([3, 4, 2], changes);
        Assert.All(discovery.Current, s => Assert.Equal(1, s.Weight));
    }

    [Fact]
    public async Task Dns_discovery_keeps_the_last_list_when_the_name_vanishes_or_the_server_is_down()
    {
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1, 2));
        await using var discovery = new DnsServerDiscovery(Service, 11211, FastInterval, dns.EndPoint, TimeSpan.FromSeconds(1));
        var failures = 0;
        discovery.LookupFailed += _ => Interlocked.Increment(ref failures);
        await discovery.StartAsync();
        // On a loaded machine the first query can time out; discovery retries on its interval.
        await Eventually.TrueAsync(() => discovery.Current.Count == 3, "the three pods found");

        // No records at all (NXDOMAIN): an empty ring is never right; keep the pods we had.
        dns.SetHosts([("127.0.0.99", ["unrelated.test"])]);
        await Eventually.TrueAsync(() => Volatile.Read(ref failures) >= 2, "lookups of a vanished name reported as failures");
        Assert.Equal(Expected(11211, 0, 1, 2), discovery.Current.Select(s => s.ToString()));
        Assert.IsType<DiscoveryException>(discovery.LastError);

        // The DNS server itself down: queries time out, the list stays.
        dns.Stop();
        var before = Volatile.Read(ref failures);
        await Eventually.TrueAsync(() => Volatile.Read(ref failures) > before, "timeouts reported as failures");
        Assert.Equal(3, discovery.Current.Count);

        // Back, with other records: followed again.
        dns.SetHosts(Pods(2, 3));
        await dns.RestartAsync();
        await Eventually.ServersAsync(discovery, Expected(11211, 2, 3));
        await Eventually.TrueAsync(() => discovery.LastError is null, "LastError cleared after a good lookup");
    }

    [Fact]
    public async Task Dns_discovery_without_a_name_server_uses_the_system_resolver()
    {
        await using var discovery = new DnsServerDiscovery("localhost", 11211, TimeSpan.FromMinutes(1));
        await discovery.StartAsync();
        Assert.Contains(discovery.Current, s => s.Host is "127.0.0.1" or "::1");
        Assert.All(discovery.Current, s => Assert.Equal(11211, s.Port));
    }

    [Fact]
    public async Task Srv_discovery_follows_the_records_from_3_to_4_to_2_pods()
    {
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1, 2, 3), Srv(33, 0, 1, 2));
        await using var discovery = new SrvServerDiscovery(SrvName, FastInterval, dns.EndPoint, LookupTimeout);
        await discovery.StartAsync();
        // Kubernetes-style equal weights (33 each) become 1 each: the same ring as a plain list.
        Assert.Equal(Expected(11211, 0, 1, 2), discovery.Current.Select(s => s.ToString()));
        Assert.All(discovery.Current, s => Assert.Equal(1, s.Weight));

        await dns.SetSrvAsync(Srv(25, 0, 1, 2, 3));
        await Eventually.ServersAsync(discovery, Expected(11211, 0, 1, 2, 3));

        await dns.SetSrvAsync(Srv(50, 0, 3));
        await Eventually.ServersAsync(discovery, Expected(11211, 0, 3));
    }

    [Fact]
    public async Task Srv_discovery_uses_the_lowest_priority_ports_and_relative_weights()
    {
        var srv = new Dictionary<string, SrvEntry[]>
        {
            [SrvName] =
            [
                new SrvEntry(PodName(0), 11211, Priority: 10, Weight: 20),
                new SrvEntry(PodName(1), 11212, Priority: 10, Weight: 40),
                new SrvEntry(PodName(2), 11213, Priority: 10, Weight: 0),
                new SrvEntry(PodName(3), 11214, Priority: 20, Weight: 100), // a backup: not used while priority 10 has records
            ],
        };
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1, 2, 3), srv);
        await using var discovery = new SrvServerDiscovery(SrvName, TimeSpan.FromMinutes(1), dns.EndPoint, LookupTimeout);
        await discovery.StartAsync();

        var servers = discovery.Current;
        Assert.Equal(["127.0.0.11:11211", "127.0.0.12:11212", "127.0.0.13:11213"], servers.Select(s => s.ToString()));
        // 20, 40, 0 → 20, 40, 1 (0 counts as 1) → divided by their GCD 1: unchanged.
        Assert.Equal([20, 40, 1], servers.Select(s => s.Weight));
    }

    [Fact]
    public async Task Srv_discovery_resolves_targets_missing_from_the_additional_section_and_skips_dead_ones()
    {
        // dnsmasq sends the addresses of targets it has host records for along with the SRV answer; a target that
        // is a CNAME, and one that does not exist, are left for the discovery to look up itself.
        var srv = new Dictionary<string, SrvEntry[]>
        {
            [SrvName] =
            [
                new SrvEntry(PodName(0), 11211),
                new SrvEntry("alias.mycache-hoard.default.svc.cluster.local", 11212),
                new SrvEntry("gone.mycache-hoard.default.svc.cluster.local", 11213),
            ],
        };
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1), srv, $"cname=alias.mycache-hoard.default.svc.cluster.local,{PodName(1)}\n");
        await using var discovery = new SrvServerDiscovery(SrvName, TimeSpan.FromMinutes(1), dns.EndPoint, LookupTimeout);
        await discovery.StartAsync();
        Assert.True(discovery.LastError is null, $"{discovery.LastError}\n{dns.Log}");
        Assert.Equal(["127.0.0.11:11211", "127.0.0.12:11212"], discovery.Current.Select(s => s.ToString()));
        // dnsmasq's log reaches us through its output pipe a moment after the answer.
        await Eventually.TrueAsync(() => dns.Log.Contains("query[A] alias.mycache-hoard", StringComparison.Ordinal), "dnsmasq logged the A query for the CNAME target");
    }

    [Fact]
    public async Task Srv_discovery_can_keep_the_target_names()
    {
        using var dns = await DnsmasqServer.StartAsync(Pods(0, 1), Srv(50, 0, 1));
        await using var discovery = new SrvServerDiscovery(SrvName, TimeSpan.FromMinutes(1), dns.EndPoint, LookupTimeout) { UseTargetNames = true };
        await discovery.StartAsync();
        Assert.Equal([$"{PodName(0)}:11211", $"{PodName(1)}:11211"], discovery.Current.Select(s => s.ToString()));
    }

    [Fact]
    public async Task Srv_discovery_of_a_name_without_records_reports_and_keeps_nothing()
    {
        using var dns = await DnsmasqServer.StartAsync(Pods(0));
        await using var discovery = new SrvServerDiscovery("_memcache._tcp.nothing.test", TimeSpan.FromMinutes(1), dns.EndPoint, TimeSpan.FromMilliseconds(500));
        Exception? failure = null;
        discovery.LookupFailed += e => failure = e;
        await discovery.StartAsync(); // does not throw: the client can start before DNS is ready
        Assert.Empty(discovery.Current);
        Assert.NotNull(failure);
    }

    [Theory]
    [InlineData(new[] { 33, 33, 33 }, new[] { 1, 1, 1 })]
    [InlineData(new[] { 0, 0 }, new[] { 1, 1 })]
    [InlineData(new[] { 0, 10 }, new[] { 1, 10 })]
    [InlineData(new[] { 20, 40, 60 }, new[] { 1, 2, 3 })]
    [InlineData(new[] { 65535 }, new[] { 1 })]
    public void Srv_weights_map_zero_to_one_and_divide_by_the_gcd(int[] srv, int[] expected) =>
        Assert.Equal(expected, SrvServerDiscovery.Weights(srv));
}
