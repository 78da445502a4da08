using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hoard.Cli.Stats;

/// <summary>
/// Parses the durations of <c>--interval</c> and <c>--timeout</c>: a number with a unit (<c>500ms</c>,
/// <c>1s</c>, <c>1.5s</c>, <c>2m</c>) or a bare number of seconds (<c>2</c>), within a range the caller gives.
/// </summary>
internal static class DurationText
{
    public static bool TryParse(
        string? text, string optionName, TimeSpan minimum, TimeSpan maximum,
        out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        var trimmed = text?.Trim() ?? "";
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ => (trimmed, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            !double.IsFinite(value))
        {
            error = $"{optionName} '{text}' is not a duration; use seconds or a number with a unit: 500ms, 1s, 2.5s, 1m";
            return false;
        }
        var seconds = value * scale;
        if (seconds < minimum.TotalSeconds || seconds > maximum.TotalSeconds)
        {
            error = $"{optionName} '{text}' is out of range; it must be {Describe(minimum)} to {Describe(maximum)}";
            return false;
        }
        duration = TimeSpan.FromSeconds(seconds);
        error = null;
        return true;
    }

    public static string Describe(TimeSpan duration) => duration.TotalSeconds < 1
        ? duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"
        : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
