namespace Hoard.Integration.Tests.MultiHost;

/// <summary><see cref="BenchSummary"/>: the last lines <c>hoard bench</c> prints.</summary>
public sealed class BenchSummaryTests
{
    [Fact]
    public void The_summary_line_is_found_among_the_output()
    {
        var summary = BenchSummary.Parse(
            "832066 requests in 20.0 s: 41,603 ops/s (90 % gets, 100 B values, 8 callers, 2 connections/server, meta protocol); errors 18\n" +
            "latency µs: p50 229  p90 495  p99 1398  p99.9 8258  max 85393\n");
        Assert.Equal(new BenchSummary(832066, 20.0, 18), summary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hoard bench: cannot load the keys: no server answered")]
    [InlineData("832066 requests in 20.0 s: 41,603 ops/s (...); errors many")]
    [InlineData("lots of requests in 20.0 s: 41,603 ops/s (...); errors 1")]
    public void Output_without_a_summary_is_refused_quoting_it(string output)
    {
        var error = Assert.Throws<FormatException>(() => BenchSummary.Parse(output));
        Assert.Contains("no 'N requests in S s: ...; errors E' line", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(output, error.Message, StringComparison.Ordinal);
    }
}
