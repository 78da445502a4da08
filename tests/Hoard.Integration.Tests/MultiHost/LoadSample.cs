namespace Hoard.Integration.Tests.MultiHost;

/// <summary>One request of the load: when it started (on the test's clock), how long it took, whose key, what came back.</summary>
public readonly record struct LoadSample(TimeSpan Started, TimeSpan Latency, int Owner, bool IsGet, LoadOutcome Outcome)
{
    public TimeSpan Ended => Started + Latency;

    public bool Failed => Outcome is LoadOutcome.ServerError or LoadOutcome.Broken;
}
