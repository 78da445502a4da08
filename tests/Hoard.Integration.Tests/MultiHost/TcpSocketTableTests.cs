using System.Net;
using System.Net.Sockets;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary><see cref="TcpSocketTable"/>, the multi-host test's view of who is connected to whom; runs anywhere.</summary>
public sealed class TcpSocketTableTests
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    [Fact]
    public void A_listener_and_a_connection_are_read_with_their_addresses_and_states()
    {
        Assert.True(BitConverter.IsLittleEndian, "the sample lines are what a little-endian kernel prints");
        var entries = TcpSocketTable.Parse(
        [
            Header,
            "   0: 0B00FB0A:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20780333 1 000000008112328a 100 0 0 10 0",
            "   1: 1E00FB0A:D3A2 0B00FB0A:2BCB 01 00000000:00000000 02:000A2D2B 00000000     0        0 20781939 2 000000004f5f5728 20 4 30 10 -1",
        ]);
        Assert.Equal(2, entries.Count);
        Assert.Equal(new TcpSocketTable.Entry(new IPEndPoint(IPAddress.Parse("10.251.0.11"), 11211), new IPEndPoint(IPAddress.Any, 0), TcpSocketTable.Listen), entries[0]);
        Assert.Equal(new TcpSocketTable.Entry(new IPEndPoint(IPAddress.Parse("10.251.0.30"), 54178), new IPEndPoint(IPAddress.Parse("10.251.0.11"), 11211), TcpSocketTable.Established), entries[1]);
    }

    [Fact]
    public void This_process_sees_its_own_listener_and_connection()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        Assert.True(TcpSocketTable.IsListening(Environment.ProcessId, endPoint));
        Assert.Equal(0, TcpSocketTable.OpenTo(Environment.ProcessId, endPoint));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(endPoint);
        Assert.Equal(1, TcpSocketTable.OpenTo(Environment.ProcessId, endPoint));
    }

    [Fact]
    public void A_process_that_does_not_exist_has_no_sockets() =>
        Assert.Empty(TcpSocketTable.Read(int.MaxValue));

    [Theory]
    [InlineData("0B00FB0A")]
    [InlineData("0B00FB0A:")]
    [InlineData("ZZ00FB0A:2BCB")]
    [InlineData("0B00FB0A:12345")]
    [InlineData("0B00FB0A0:2BCB")]
    [InlineData("")]
    public void A_malformed_endpoint_is_refused_quoting_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => TcpSocketTable.ParseEndPoint(text));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_state_is_refused_quoting_the_line()
    {
        var error = Assert.Throws<FormatException>(() => TcpSocketTable.Parse([Header, "   0: 0B00FB0A:2BCB 00000000:0000 QQ 00000000:00000000"]));
        Assert.Contains("'QQ'", error.Message, StringComparison.Ordinal);
    }
}
