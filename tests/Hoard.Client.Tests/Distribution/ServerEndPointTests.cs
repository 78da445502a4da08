using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Distribution;

public class ServerEndPointTests
{
    [Theory]
    [InlineData("cache1:11211", "cache1", 11211, 1, "cache1:11211")]
    [InlineData("10.0.0.5:11300:3", "10.0.0.5", 11300, 3, "10.0.0.5:11300")]
    [InlineData("cache1", "cache1", 11211, 1, "cache1:11211")]
    [InlineData("[::1]:11212", "::1", 11212, 1, "[::1]:11212")]
    [InlineData("[fe80::1]:11212:2", "fe80::1", 11212, 2, "[fe80::1]:11212")]
    [InlineData("[::1]", "::1", 11211, 1, "[::1]:11211")]
    [InlineData("memcached-0.memcached.default.svc.cluster.local:11211", "memcached-0.memcached.default.svc.cluster.local", 11211, 1, "memcached-0.memcached.default.svc.cluster.local:11211")]
    [InlineData("  cache_2:1  ", "cache_2", 1, 1, "cache_2:1")]
    public void Parses_host_port_weight_and_bracketed_ipv6(string text, string host, int port, int weight, string hostPort)
    {
        var endPoint = ServerEndPoint.Parse(text.Trim());
        Assert.Equal(host, endPoint.Host);
        Assert.Equal(port, endPoint.Port);
        Assert.Equal(weight, endPoint.Weight);
        Assert.Equal(hostPort, endPoint.HostPort);
        Assert.Equal(hostPort, endPoint.ToString());
    }

    [Theory]
    [InlineData("", "empty server")]
    [InlineData("   ", "empty server")]
    [InlineData(":11211", "empty host")]
    [InlineData("cache1:", "port '' is not a number 1-65535")]
    [InlineData("cache1:0", "port '0' is not a number 1-65535")]
    [InlineData("cache1:65536", "port '65536' is not a number 1-65535")]
    [InlineData("cache1:-1", "port '-1' is not a number 1-65535")]
    [InlineData("cache1:abc", "port 'abc' is not a number 1-65535")]
    [InlineData("cache1:11211:0", "weight '0' is not a whole number 1-1000000")]
    [InlineData("cache1:11211:x", "weight 'x' is not a whole number 1-1000000")]
    [InlineData("cache1:11211:2000000", "weight '2000000' is not a whole number 1-1000000")]
    [InlineData("cache1:11211:1:1", "too many ':'")]
    [InlineData("::1:11211", "an IPv6 address needs brackets")]
    [InlineData("fe80::1", "an IPv6 address needs brackets")]
    [InlineData("[::1", "missing ']'")]
    [InlineData("[cache1]:11211", "'cache1' is not an IPv6 address")]
    [InlineData("[::1]11211", "expected ':PORT' after ']'")]
    [InlineData("cache 1:11211", "is not a host name or address (character ' ')")]
    [InlineData("http://cache1:11211", "a URL is not a server")]
    [InlineData("cache1/11211", "is not a host name or address (character '/')")]
    [InlineData("ключ:11211", "is not a host name or address")]
    public void Rejects_garbage_with_a_reason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ServerEndPoint.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(ServerEndPoint.TryParse(text, out _, out var error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void Parses_a_comma_separated_list_and_rejects_empty_entries()
    {
        var list = ServerEndPoint.ParseList("a:1, b:2:3 ,[::1]:4");
        Assert.Equal(["a:1", "b:2", "[::1]:4"], list.Select(e => e.HostPort));
        Assert.Equal(3, list[1].Weight);
        Assert.Contains("empty entry", Assert.Throws<FormatException>(() => ServerEndPoint.ParseList("a:1,,b:2")).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ServerEndPoint.ParseList(""));
    }

    [Fact]
    public void Constructor_rejects_what_parse_rejects()
    {
        Assert.Throws<ArgumentException>(() => new ServerEndPoint("", 11211));
        Assert.Throws<ArgumentException>(() => new ServerEndPoint("a", 0));
        Assert.Throws<ArgumentException>(() => new ServerEndPoint("a", 11211, 0));
        Assert.Throws<ArgumentException>(() => new ServerEndPoint("[::1]", 11211));
    }

    [Fact]
    public void Equal_when_host_port_and_weight_are_equal()
    {
        Assert.Equal(ServerEndPoint.Parse("a:1:2"), new ServerEndPoint("a", 1, 2));
        Assert.NotEqual(ServerEndPoint.Parse("a:1:2"), new ServerEndPoint("a", 1, 3));
    }
}
