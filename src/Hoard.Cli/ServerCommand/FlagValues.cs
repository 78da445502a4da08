using System.Globalization;
using Hoard.Cli.Getopt;

namespace Hoard.Cli.ServerCommand;

/// <summary>
/// Strict readers for flag values. memcached reads most numbers with <c>atoi</c>, so <c>-p abc</c> quietly
/// becomes port 0 and <c>-m 1g</c> becomes 1 MB; Hoard refuses anything that is not exactly a number, and
/// says which flag and what it expected.
/// </summary>
internal static class FlagValues
{
    public const long Megabyte = 1024 * 1024;

    public static int Port(ServerFlag flag, string value, bool minusOneMeansAny)
    {
        // memcached's own test suite asks for "-p -1" to get a free port; Hoard's free port is 0.
        if (minusOneMeansAny && value == "-1") return 0;
        if (TryDigits(value, out var port) && port <= 65535) return (int)port;
        throw Invalid(flag, value, "a port number 0-65535");
    }

    public static int Positive(ServerFlag flag, string value)
    {
        if (TryDigits(value, out var number) && number is > 0 and <= int.MaxValue) return (int)number;
        throw Invalid(flag, value, $"a whole number from 1 to {int.MaxValue}");
    }

    public static int NonNegative(ServerFlag flag, string value)
    {
        if (TryDigits(value, out var number) && number <= int.MaxValue) return (int)number;
        throw Invalid(flag, value, $"a whole number from 0 to {int.MaxValue}");
    }

    /// <summary><c>-m</c>: whole megabytes. memcached 1.6.18 takes no suffix here (<c>-m 1g</c> means 1 MB to it), so none is accepted.</summary>
    public static long Megabytes(ServerFlag flag, string value)
    {
        const long maxMegabytes = long.MaxValue / Megabyte;
        if (TryDigits(value, out var megabytes) && megabytes is > 0 and <= maxMegabytes) return megabytes * Megabyte;
        throw Invalid(flag, value, "a whole number of megabytes greater than 0, without a suffix");
    }

    /// <summary><c>-I</c>: bytes, or a number with memcached's k/K/m/M suffix.</summary>
    public static int ItemSize(ServerFlag flag, string value)
    {
        var multiplier = 1L;
        var digits = value;
        if (value.Length > 0)
        {
            switch (value[^1])
            {
                case 'k' or 'K':
                    multiplier = 1024;
                    digits = value[..^1];
                    break;
                case 'm' or 'M':
                    multiplier = Megabyte;
                    digits = value[..^1];
                    break;
            }
        }

        if (TryDigits(digits, out var number) && number <= int.MaxValue / multiplier) return (int)(number * multiplier);
        throw Invalid(flag, value, "a size in bytes with an optional k or m suffix, like 1m or 512k");
    }

    /// <summary><c>-a</c>: permission bits in octal, as <c>chmod</c> takes them.</summary>
    public static int OctalMask(ServerFlag flag, string value)
    {
        var ok = value.Length is > 0 and <= 4;
        var mask = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '7')
            {
                ok = false;
                break;
            }

            mask = (mask * 8) + (c - '0');
        }

        if (ok && mask <= Convert.ToInt32("777", 8)) return mask;
        throw Invalid(flag, value, "an octal permission mask from 0 to 777, like 700");
    }

    /// <summary><c>-f</c>: a decimal factor greater than 1.</summary>
    public static double GrowthFactor(ServerFlag flag, string value)
    {
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor) && factor > 1)
            return factor;
        throw Invalid(flag, value, "a decimal number greater than 1, like 1.25");
    }

    public static bool TryDigits(string value, out long number)
    {
        number = 0;
        return value.Length > 0 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    public static CommandLineUsageException Invalid(ServerFlag flag, string value, string expected) =>
        new($"invalid value '{value}' for {flag.DisplayName}: expected {expected}");
}
