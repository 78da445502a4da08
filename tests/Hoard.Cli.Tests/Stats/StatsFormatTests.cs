using Hoard.Cli.Stats;

namespace Hoard.Cli.Tests.Stats;

public sealed class StatsFormatTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(67108864L, "64.0 MiB")]
    public void Bytes_in_binary_units(long bytes, string text) => Assert.Equal(text, StatsFormat.Bytes(bytes));

    [Theory]
    [InlineData(5L, "5s")]
    [InlineData(725L, "12m 05s")]
    [InlineData(11220L, "3h 07m")]
    [InlineData(187200L, "2d 04h")]
    public void Uptime_in_its_two_largest_units(long seconds, string text) => Assert.Equal(text, StatsFormat.Uptime(seconds));

    [Fact]
    public void Missing_figures_are_a_dash_not_zero()
    {
        Assert.Equal("-", StatsFormat.Count(null));
        Assert.Equal("-", StatsFormat.Ratio(null));
        Assert.Equal("-", StatsFormat.Rate(null));
        Assert.Equal("-", StatsFormat.Memory(null, 100));
        Assert.Equal("-", StatsFormat.Uptime(null));
    }

    [Fact]
    public void Memory_shows_used_limit_and_share()
    {
        Assert.Equal("16.0 MiB / 64.0 MiB (25.0%)", StatsFormat.Memory(16L << 20, 64L << 20));
        Assert.Equal("0.5", StatsFormat.Rate(0.5));
        Assert.Equal("1,235", StatsFormat.Rate(1234.6));
        Assert.Equal("75.0%", StatsFormat.Ratio(0.75));
    }
}
