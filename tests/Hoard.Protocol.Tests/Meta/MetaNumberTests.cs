using System.Text;
using Hoard.Protocol.Meta;

namespace Hoard.Protocol.Tests.Meta;

public class MetaNumberTests
{
    [Theory]
    [InlineData("30", 30)]
    [InlineData("+50", 50)]
    [InlineData("-5", -5)]
    [InlineData("007", 7)]
    [InlineData("2147483648", int.MinValue)]
    [InlineData("99999999999", 1215752191)]
    public void Int32_is_parsed_as_64_bits_and_truncated_like_safe_strtol(string token, int expected)
    {
        Assert.True(MetaNumber.TryParseInt32(Encoding.ASCII.GetBytes(token), out int value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("5x")]
    [InlineData("0x10")]
    [InlineData("9223372036854775808")]
    public void Int32_rejects(string token)
    {
        Assert.False(MetaNumber.TryParseInt32(Encoding.ASCII.GetBytes(token), out _));
    }

    [Theory]
    [InlineData("4294967295", 4294967295u)]
    [InlineData("4294967296", 0u)]
    [InlineData("+3", 3u)]
    public void UInt32_truncates_like_safe_strtoul(string token, uint expected)
    {
        Assert.True(MetaNumber.TryParseUInt32(Encoding.ASCII.GetBytes(token), out uint value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("18446744073709551615", true, ulong.MaxValue)]
    [InlineData("18446744073709551616", false, 0UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData("-0", true, 0UL)]
    [InlineData("-18446744073709551615", true, 1UL)]
    public void UInt64_follows_safe_strtoull(string token, bool ok, ulong expected)
    {
        Assert.Equal(ok, MetaNumber.TryParseUInt64(Encoding.ASCII.GetBytes(token), out ulong value));
        Assert.Equal(expected, value);
    }
}
