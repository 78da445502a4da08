namespace Hoard.Integration.Tests.MultiHost;

/// <summary><see cref="TcpCounters"/>: the TCP lines of <c>/proc/net/snmp</c>.</summary>
public sealed class TcpCountersTests
{
    private const string Names = "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors";

    [Fact]
    public void The_counters_are_read_by_name()
    {
        var counters = TcpCounters.Parse(
        [
            "Ip: Forwarding DefaultTTL",
            "Ip: 1 64",
            Names,
            "Tcp: 1 200 120000 -1 2747093 2741926 5078 90530 4 524625435 524578577 45675 0 124234 0",
            "Udp: InDatagrams NoPorts",
            "Udp: 5 0",
        ]);
        Assert.Equal(new TcpCounters(ActiveOpens: 2747093, AttemptFails: 5078), counters);
    }

    [Fact]
    public void This_machine_has_the_counters() =>
        Assert.True(TcpCounters.Parse(File.ReadAllLines("/proc/thread-self/net/snmp")).ActiveOpens >= 0);

    [Theory]
    [InlineData(new[] { "Ip: Forwarding", "Ip: 1" }, "found 0 Tcp: lines")]
    [InlineData(new[] { Names }, "found 1 Tcp: lines")]
    [InlineData(new[] { "Tcp: ActiveOpens AttemptFails", "Tcp: 1" }, "differ in length")]
    [InlineData(new[] { "Tcp: ActiveOpens PassiveOpens", "Tcp: 1 2" }, "no Tcp: AttemptFails")]
    [InlineData(new[] { "Tcp: ActiveOpens AttemptFails", "Tcp: 1 many" }, "Tcp: AttemptFails of /proc/net/snmp is not a count: 'many'")]
    public void A_malformed_file_is_refused_saying_what_is_wrong(string[] lines, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TcpCounters.Parse(lines));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
