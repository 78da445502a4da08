using Hoard.Protocol.Binary;

namespace Hoard.Protocol.Tests.Binary;

public class BinaryResponseWriterTests
{
    [Fact]
    public void Get_hit_carries_flags_in_extras_and_echoes_opaque_and_cas()
    {
        using var output = new OutputBuffer();
        BinaryResponseWriter.WriteValue(output, BinaryOpcode.GetK, opaque: 0xa1b2c3d4, cas: 7, flags: 5, "k"u8, "hello"u8);
        byte[] expected =
        [
            0x81, 0x0c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xa1, 0xb2, 0xc3, 0xd4,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x05, (byte)'k',
            (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o',
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Error_carries_memcacheds_message_and_status()
    {
        using var output = new OutputBuffer();
        BinaryResponseWriter.WriteError(output, BinaryOpcode.Add, BinaryStatus.KeyExists, 9);
        var bytes = output.WrittenSpan;
        Assert.Equal(0x81, bytes[0]);
        Assert.Equal((byte)BinaryOpcode.Add, bytes[1]);
        Assert.Equal(0x0002, (bytes[6] << 8) | bytes[7]);
        Assert.Equal("Data exists for key.", System.Text.Encoding.ASCII.GetString(bytes[24..]));
        Assert.Equal(20, bytes[11]);
        Assert.Equal(9, bytes[15]);
    }

    [Fact]
    public void Counter_reply_is_an_eight_byte_big_endian_body()
    {
        using var output = new OutputBuffer();
        BinaryResponseWriter.WriteCounter(output, BinaryOpcode.Increment, 0, 3, 0x0102030405060708);
        Assert.Equal(32, output.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, output.WrittenSpan[24..].ToArray());
        Assert.Equal(8, output.WrittenSpan[11]);
    }

    [Theory]
    [InlineData(BinaryStatus.KeyNotFound, "Not found")]
    [InlineData(BinaryStatus.ValueTooLarge, "Too large.")]
    [InlineData(BinaryStatus.InvalidArguments, "Invalid arguments")]
    [InlineData(BinaryStatus.ItemNotStored, "Not stored.")]
    [InlineData(BinaryStatus.NonNumericValue, "Non-numeric server-side value for incr or decr")]
    [InlineData(BinaryStatus.AuthenticationError, "Auth failure.")]
    [InlineData(BinaryStatus.UnknownCommand, "Unknown command")]
    [InlineData(BinaryStatus.OutOfMemory, "Out of memory")]
    [InlineData(BinaryStatus.Success, "")]
    public void Messages_are_memcacheds(BinaryStatus status, string message) =>
        Assert.Equal(message, System.Text.Encoding.ASCII.GetString(BinaryResponseWriter.Message(status)));
}
