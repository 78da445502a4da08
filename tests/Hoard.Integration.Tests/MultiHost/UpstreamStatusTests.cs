namespace Hoard.Integration.Tests.MultiHost;

/// <summary><see cref="UpstreamStatus"/>: a line of the router's <c>stats servers</c>.</summary>
public sealed class UpstreamStatusTests
{
    [Fact]
    public void A_line_of_stats_servers_is_read()
    {
        var status = UpstreamStatus.Parse("10.251.0.11:11211", "state=tko for=3s avg_latency_us=412 in_flight=0 requests=1634 errors=3 tko_count=1 delete_log=10");
        Assert.Equal(new UpstreamStatus("10.251.0.11:11211", IsUp: false, Requests: 1634, Errors: 3, TkoCount: 1, DeleteLog: 10), status);
        Assert.True(UpstreamStatus.Parse("s", "state=up requests=0 errors=0 tko_count=0 delete_log=0").IsUp);
    }

    [Theory]
    [InlineData("state=up requests=1 errors=0 tko_count=0", "no delete_log=")]
    [InlineData("state=down requests=1 errors=0 tko_count=0 delete_log=0", "state=down is neither up nor tko")]
    [InlineData("state=up requests=-1 errors=0 tko_count=0 delete_log=0", "requests=-1 is not a count")]
    [InlineData("state=up requests=1 errors=lots tko_count=0 delete_log=0", "errors=lots is not a count")]
    [InlineData("state=up garbage requests=1", "'garbage' is not name=value")]
    [InlineData("", "no state=")]
    public void A_malformed_line_is_refused_naming_the_field(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => UpstreamStatus.Parse("10.251.0.11:11211", value));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("10.251.0.11:11211", error.Message, StringComparison.Ordinal);
    }
}
