using System.Globalization;

namespace Hoard.Cli.Stats;

/// <summary>How figures are written in the tables: short, invariant, and "-" for a figure a server does not report.</summary>
internal static class StatsFormat
{
    public const string Missing = "-";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Count(long? value) => value is { } v ? v.ToString("N0", Invariant) : Missing;

    public static string Ratio(double? ratio) => ratio is { } r ? (r * 100).ToString("0.0", Invariant) + "%" : Missing;

    /// <summary>A per-second rate: whole numbers from 10 up, one decimal below (so 0.5/s shows).</summary>
    public static string Rate(double? rate) => rate switch
    {
        null => Missing,
        >= 10 => Math.Round(rate.Value).ToString("N0", Invariant),
        _ => rate.Value.ToString("0.#", Invariant),
    };

    /// <summary>Bytes in binary units, as memcached's -m counts them: 512 B, 1.5 KiB, 64.0 MiB.</summary>
    public static string Bytes(long? bytes) => bytes is { } b ? Size(b) : Missing;

    public static string Size(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        int unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0
            ? Math.Round(bytes).ToString("0", Invariant) + " B"
            : bytes.ToString("0.0", Invariant) + " " + units[unit];
    }

    /// <summary>A byte rate per second: "1.2 MiB/s".</summary>
    public static string ByteRate(double? rate) => rate is { } r ? Size(r) + "/s" : Missing;

    /// <summary>Used memory against the limit: "1.2 MiB / 64.0 MiB (1.9%)".</summary>
    public static string Memory(long? used, long? limit) => (used, limit) switch
    {
        ({ } u, { } l) when l > 0 => $"{Size(u)} / {Size(l)} ({((double)u / l * 100).ToString("0.0", Invariant)}%)",
        ({ } u, _) => Size(u),
        _ => Missing,
    };

    /// <summary>Seconds as the largest two units: 45s, 12m 05s, 3h 07m, 2d 04h.</summary>
    public static string Uptime(long? seconds)
    {
        if (seconds is not { } s || s < 0)
            return Missing;
        var t = TimeSpan.FromSeconds(s);
        return s switch
        {
            < 60 => string.Create(Invariant, $"{t.Seconds}s"),
            < 3600 => string.Create(Invariant, $"{t.Minutes}m {t.Seconds:00}s"),
            < 86400 => string.Create(Invariant, $"{t.Hours}h {t.Minutes:00}m"),
            _ => string.Create(Invariant, $"{t.Days}d {t.Hours:00}h"),
        };
    }
}
