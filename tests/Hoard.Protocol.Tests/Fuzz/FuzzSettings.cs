using System.Globalization;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>
/// Fuzz run size from the environment, so the same tests serve the short in-suite pass and the long run
/// (<c>tests/long/fuzz.sh</c>): <c>HOARD_FUZZ_SEED</c>, <c>HOARD_FUZZ_INPUTS</c> (parser inputs),
/// <c>HOARD_FUZZ_SECONDS</c> (server-level duration), <c>HOARD_FUZZ_REPLAY</c> (run one input index only).
/// </summary>
public static class FuzzSettings
{
    /// <summary>The seed of the in-suite pass: fixed, so the normal suite is deterministic.</summary>
    public const ulong DefaultSeed = 20261122;

    public static ulong Seed => Read("HOARD_FUZZ_SEED") is { } text ? ulong.Parse(text, CultureInfo.InvariantCulture) : DefaultSeed;

    public static long Inputs(long inSuite) => Read("HOARD_FUZZ_INPUTS") is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : inSuite;

    public static TimeSpan Duration(TimeSpan inSuite) =>
        Read("HOARD_FUZZ_SECONDS") is { } text ? TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)) : inSuite;

    public static long? Replay => Read("HOARD_FUZZ_REPLAY") is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>True when the run size came from the environment (a long run), so results are worth printing.</summary>
    public static bool IsLongRun => Read("HOARD_FUZZ_INPUTS") is not null || Read("HOARD_FUZZ_SECONDS") is not null;

    private static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
