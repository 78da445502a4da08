using System.Net;
using Hoard.Client.Discovery;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Discovery;

public sealed class DiscoverySpecTests
{
    [Fact]
    public void A_plain_list_is_static_and_keeps_its_order()
    {
        var spec = DiscoverySpec.Parse("cache2:11211, cache1:11212:3");
        Assert.Equal(DiscoveryKind.Static, spec.Kind);
        Assert.Equal(["cache2:11211", "cache1:11212"], spec.Servers.Select(s => s.ToString()));
        Assert.Equal("cache2:11211,cache1:11212:3", spec.ToString());
        var discovery = Assert.IsType<StaticServerDiscovery>(spec.CreateDiscovery());
        Assert.Equal(spec.Servers, discovery.Current);
    }

    [Fact]
    public void Dns_spec_with_port_interval_and_name_server()
    {
        var spec = DiscoverySpec.Parse("dns://mycache-hoard.default.svc.cluster.local:11311?interval=2s&nameserver=127.0.0.1:5353&timeout=500ms");
        Assert.Equal(DiscoveryKind.Dns, spec.Kind);
        Assert.Equal("mycache-hoard.default.svc.cluster.local", spec.Target);
        Assert.Equal(11311, spec.Port);
        Assert.Equal(TimeSpan.FromSeconds(2), spec.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), spec.Timeout);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5353), spec.NameServer);
        Assert.Equal("dns://mycache-hoard.default.svc.cluster.local:11311?interval=2s&timeout=500ms&nameserver=127.0.0.1:5353", spec.ToString());
        Assert.Equal(spec, DiscoverySpec.Parse(spec.ToString()));
        var discovery = Assert.IsType<DnsServerDiscovery>(spec.CreateDiscovery());
        Assert.Equal(TimeSpan.FromSeconds(2), discovery.Interval);
        Assert.Equal(11311, discovery.Port);
    }

    [Fact]
    public void Defaults_apply_when_not_given()
    {
        var dns = DiscoverySpec.Parse("dns://cache");
        Assert.Equal(ServerEndPoint.DefaultPort, dns.Port);
        Assert.Null(dns.Interval);
        Assert.Equal(DnsServerDiscovery.DefaultInterval, ((PollingServerDiscovery)dns.CreateDiscovery()).Interval);
        Assert.Equal(ClusterConfigDiscovery.DefaultInterval, ((PollingServerDiscovery)DiscoverySpec.Parse("config://c.cfg.use1.cache.amazonaws.com").CreateDiscovery()).Interval);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.96.0.10"), 53), DiscoverySpec.Parse("srv://_memcache._tcp.x?nameserver=10.96.0.10").NameServer);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5353), DiscoverySpec.Parse("srv://_memcache._tcp.x?nameserver=[::1]:5353").NameServer);
    }

    [Fact]
    public void Srv_file_and_config_specs()
    {
        var srv = DiscoverySpec.Parse("srv://_memcache._tcp.mycache.default.svc.cluster.local?interval=1m");
        Assert.Equal((DiscoveryKind.Srv, "_memcache._tcp.mycache.default.svc.cluster.local", TimeSpan.FromMinutes(1)), (srv.Kind, srv.Target, srv.Interval!.Value));
        Assert.IsType<SrvServerDiscovery>(srv.CreateDiscovery());

        var file = DiscoverySpec.Parse("file:///etc/hoard/servers?interval=30s");
        Assert.Equal((DiscoveryKind.File, "/etc/hoard/servers"), (file.Kind, file.Target));
        Assert.Equal("file:///etc/hoard/servers?interval=30s", file.ToString());
        Assert.IsType<FileServerDiscovery>(file.CreateDiscovery());

        var config = DiscoverySpec.Parse("CONFIG://mycluster.fnjyzo.cfg.use1.cache.amazonaws.com:11211?interval=60s&timeout=3s");
        Assert.Equal((DiscoveryKind.ClusterConfig, "mycluster.fnjyzo.cfg.use1.cache.amazonaws.com", 11211), (config.Kind, config.Target, config.Port));
        Assert.Equal("config://mycluster.fnjyzo.cfg.use1.cache.amazonaws.com:11211?interval=60s&timeout=3s", config.ToString());
        Assert.IsType<ClusterConfigDiscovery>(config.CreateDiscovery());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("http://cache:11211", "unknown scheme 'http://'")]
    [InlineData("dns://", "no host")]
    [InlineData("dns://cache:99999", "port '99999'")]
    [InlineData("dns://cache:11211:2", "not HOST[:PORT]")]
    [InlineData("dns://cache/path", "not HOST[:PORT]")]
    [InlineData("dns://a,b", "not HOST[:PORT]")]
    [InlineData("srv://_memcache._tcp.x:11211", "not an SRV name")]
    [InlineData("srv://", "not an SRV name")]
    [InlineData("file://", "no path")]
    [InlineData("config://", "no host")]
    [InlineData("dns://cache?interval=0s", "interval '0s'")]
    [InlineData("dns://cache?interval=-5s", "interval '-5s'")]
    [InlineData("dns://cache?interval=soon", "interval 'soon'")]
    [InlineData("dns://cache?interval=5s&interval=6s", "given twice")]
    [InlineData("dns://cache?nameserver=dns.google", "nameserver 'dns.google'")]
    [InlineData("dns://cache?nameserver=127.0.0.1:0", "nameserver '127.0.0.1:0'")]
    [InlineData("dns://cache?color=blue", "parameter 'color' is not known for dns")]
    [InlineData("dns://cache?interval", "not NAME=VALUE")]
    [InlineData("file:///etc/servers?nameserver=127.0.0.1", "parameter 'nameserver' is not known for file")]
    [InlineData("config://cfg?nameserver=127.0.0.1", "not known for clusterconfig")]
    [InlineData("cache1:11211,,cache2:11211", "empty entry")]
    [InlineData("cache1:11211?interval=5s", "static server list takes no parameters")]
    [InlineData("cache 1:11211", "invalid server")]
    public void Garbage_is_refused_with_the_reason_and_the_forms(string text, string expected)
    {
        var exception = Assert.Throws<FormatException>(() => DiscoverySpec.Parse(text));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("The forms are", exception.Message, StringComparison.Ordinal);
        Assert.False(DiscoverySpec.TryParse(text, out _, out var error));
        Assert.Equal(exception.Message, error);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("7", 7000)]
    public void Durations(string text, int milliseconds)
    {
        Assert.True(DiscoverySpec.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }
}

public sealed class StaticAndNormalizeTests
{
    [Fact]
    public async Task Static_discovery_keeps_the_order_and_never_changes()
    {
        await using var discovery = new StaticServerDiscovery("b:11211,a:11211:2");
        var changed = false;
        discovery.Changed += _ => changed = true;
        await discovery.StartAsync();
        Assert.Equal(["b:11211", "a:11211"], discovery.Current.Select(s => s.ToString()));
        Assert.False(changed);
        Assert.Throws<ArgumentException>(() => new StaticServerDiscovery([]));
    }

    [Fact]
    public void Normalize_sorts_and_keeps_each_server_once_with_its_largest_weight()
    {
        var list = PollingServerDiscovery.Normalize(
        [
            new ServerEndPoint("10.0.0.2", 11211),
            new ServerEndPoint("10.0.0.1", 11212),
            new ServerEndPoint("10.0.0.1", 11211, 3),
            new ServerEndPoint("10.0.0.2", 11211, 2),
        ]);
        Assert.Equal(["10.0.0.1:11211", "10.0.0.1:11212", "10.0.0.2:11211"], list.Select(s => s.ToString()));
        Assert.Equal([3, 1, 2], list.Select(s => s.Weight));
    }
}
