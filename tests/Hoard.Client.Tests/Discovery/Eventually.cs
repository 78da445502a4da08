using System.Diagnostics;
using Hoard.Client.Discovery;
using Hoard.Client.Distribution;

namespace Hoard.Client.Tests.Discovery;

/// <summary>Waits for a discovery source to reach a state; generous deadlines, since the test machine is loaded.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<IReadOnlyList<ServerEndPoint>> ServersAsync(IServerDiscovery discovery, params string[] expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var current = discovery.Current;
            if (current.Select(s => s.ToString()).SequenceEqual(expected))
                return current;
            if (clock.Elapsed > Deadline)
            {
                var error = (discovery as PollingServerDiscovery)?.LastError?.Message ?? "none";
                Assert.Fail($"after {Deadline.TotalSeconds} s the list is [{string.Join(", ", current)}], expected [{string.Join(", ", expected)}]; last error: {error}");
            }
            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
                Assert.Fail($"after {Deadline.TotalSeconds} s still not: {what}");
            await Task.Delay(50);
        }
    }
}
