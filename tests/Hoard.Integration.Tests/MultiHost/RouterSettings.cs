using System.Globalization;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>The failure-handling flags the router runs with in the multi-host test.</summary>
public sealed record RouterSettings(TimeSpan ServerTimeout, int TimeoutsUntilTko, TimeSpan ProbeDelayInitial, TimeSpan ProbeDelayMax)
{
    public IEnumerable<string> Arguments =>
    [
        "--server-timeout", Milliseconds(ServerTimeout),
        "--timeouts-until-tko", TimeoutsUntilTko.ToString(CultureInfo.InvariantCulture),
        "--probe-delay-initial-ms", Milliseconds(ProbeDelayInitial),
        "--probe-delay-max-ms", Milliseconds(ProbeDelayMax),
    ];

    private static string Milliseconds(TimeSpan time) => ((long)time.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
