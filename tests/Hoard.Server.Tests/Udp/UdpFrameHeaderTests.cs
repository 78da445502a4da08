using Hoard.Server.Network.Udp;

namespace Hoard.Server.Tests.Udp;

public sealed class UdpFrameHeaderTests
{
    [Fact]
    public void Header_fields_are_big_endian_16_bit_numbers()
    {
        var bytes = new byte[8];
        new UdpFrameHeader(0x1234, 2, 0x0300, 0).Write(bytes);
        Assert.Equal(new byte[] { 0x12, 0x34, 0, 2, 3, 0, 0, 0 }, bytes);
        Assert.True(UdpFrameHeader.TryRead(bytes, out var header));
        Assert.Equal(new UdpFrameHeader(0x1234, 2, 0x0300, 0), header);
    }

    [Fact]
    public void Fewer_than_8_bytes_are_not_a_header() => Assert.False(UdpFrameHeader.TryRead(new byte[7], out _));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1392, 1)]
    [InlineData(1393, 2)]
    [InlineData(64 * 1024, 48)]
    public void A_reply_takes_one_datagram_per_1392_bytes(int replyLength, int datagrams) =>
        Assert.Equal(datagrams, UdpFrameHeader.DatagramCount(replyLength));
}
