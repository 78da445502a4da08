using Hoard.Cli.Stats;

namespace Hoard.Cli.Tests.Stats;

public sealed class DurationTextTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromHours(1);

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("500ms", 500)]
    [InlineData("2.5s", 2500)]
    [InlineData("2", 2000)]
    [InlineData(" 1m ", 60_000)]
    [InlineData("100ms", 100)]
    [InlineData("60m", 3_600_000)]
    public void Accepts_seconds_and_units(string text, int milliseconds)
    {
        Assert.True(DurationText.TryParse(text, "--interval", Min, Max, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("", "is not a duration")]
    [InlineData("fast", "is not a duration")]
    [InlineData("1h", "is not a duration")]
    [InlineData("-1s", "is not a duration")]
    [InlineData("1,5s", "is not a duration")]
    [InlineData("1e3", "is not a duration")]
    [InlineData("NaN", "is not a duration")]
    [InlineData("s", "is not a duration")]
    [InlineData("0", "out of range")]
    [InlineData("99ms", "out of range")]
    [InlineData("61m", "out of range")]
    [InlineData("99999999999999999999", "out of range")]
    public void Refuses_garbage_with_the_option_named(string text, string message)
    {
        Assert.False(DurationText.TryParse(text, "--interval", Min, Max, out _, out var error));
        Assert.StartsWith("--interval '", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
