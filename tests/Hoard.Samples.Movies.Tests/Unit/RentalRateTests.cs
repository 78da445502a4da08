using Hoard.Samples.Movies.Films;

namespace Hoard.Samples.Movies.Tests.Unit;

public sealed class RentalRateTests
{
    [Theory]
    [InlineData("4.99", 4.99)]
    [InlineData(" 2.5 ", 2.5)]
    [InlineData("0", 0)]
    [InlineData("99.99", 99.99)]
    [InlineData("3.10", 3.1)]
    public void A_rate_is_read(string text, double expected)
    {
        Assert.True(RentalRate.TryParse(text, out var rate, out var error), error);
        Assert.Equal((decimal)expected, rate);
    }

    [Theory]
    [InlineData(null, "Enter a rental rate")]
    [InlineData("", "Enter a rental rate")]
    [InlineData("   ", "Enter a rental rate")]
    [InlineData("abc", "'abc' is not a rental rate")]
    [InlineData("-1", "'-1' is not a rental rate")]
    [InlineData("1,50", "'1,50' is not a rental rate")]
    [InlineData("1e3", "'1e3' is not a rental rate")]
    [InlineData("100", "at most 99.99")]
    [InlineData("99999999999999999999999999999999", "is not a rental rate")]
    [InlineData("1.234", "at most two decimals")]
    public void Garbage_is_refused_with_the_reason(string? text, string expected)
    {
        Assert.False(RentalRate.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
