using System.Globalization;
using System.Text.RegularExpressions;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// The summary line <c>hoard bench</c> prints at the end:
/// <c>694720 requests in 15.0 s: 46,314 ops/s (90 % gets, ...); errors 17</c>. Requests counts the ones answered.
/// </summary>
public sealed partial record BenchSummary(long Requests, double Seconds, long Errors)
{
    /// <summary>Finds the summary line in the bench's output; a <see cref="FormatException"/> quoting the output when there is none.</summary>
    public static BenchSummary Parse(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            var match = SummaryLine().Match(line.Trim());
            if (match.Success)
            {
                return new BenchSummary(
                    long.Parse(match.Groups["requests"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                    double.Parse(match.Groups["seconds"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
                    long.Parse(match.Groups["errors"].Value, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }
        throw new FormatException($"no 'N requests in S s: ...; errors E' line in hoard bench's output:\n{output}");
    }

    [GeneratedRegex(@"^(?<requests>\d+) requests in (?<seconds>\d+(\.\d+)?) s: .*; errors (?<errors>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SummaryLine();
}
