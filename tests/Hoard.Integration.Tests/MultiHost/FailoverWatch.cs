using System.Diagnostics;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// Watches, after a server is lost, for the two parties that talk to it to stop: the router (its
/// <c>stats servers</c> says <c>state=tko</c>) and the Hoard.Client process on the client host (its namespace has
/// no connection to the server, established or being opened, for <see cref="Quiet"/> in a row — a client
/// reconnecting after a timeout would show a new one within that time).
/// </summary>
internal static class FailoverWatch
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// When each party stopped, measured from the moment the server was lost, and the router's request count
    /// to the server when it was seen TKO.
    /// </summary>
    public sealed record Result(TimeSpan RouterTko, TimeSpan ClientStopped, long RouterRequestsAtTko);

    public static Result Run(MultiHostCluster cluster, int server, HostProcess client, Stopwatch clock, TimeSpan lostAt, TimeSpan limit)
    {
        TimeSpan? routerTko = null;
        long requestsAtTko = 0;
        TimeSpan? clientStopped = null;
        TimeSpan? quietSince = null;
        var endPoint = cluster.ServerEndPoint(server);
        while (routerTko is null || clientStopped is null)
        {
            var now = clock.Elapsed;
            if (now - lostAt > limit)
            {
                throw new TimeoutException(
                    $"{limit.TotalSeconds:F0} s after losing {endPoint}: router TKO {(routerTko is null ? "not seen" : "seen")} " +
                    $"({cluster.Upstream(server)}), client connections to it {TcpSocketTable.OpenTo(client.Pid, endPoint)}\n{cluster.Describe()}");
            }
            if (routerTko is null)
            {
                var status = cluster.Upstream(server);
                if (!status.IsUp)
                {
                    routerTko = now - lostAt;
                    requestsAtTko = status.Requests;
                }
            }
            if (clientStopped is null)
            {
                if (client.HasExited)
                    throw new InvalidOperationException($"the client load ended before it stopped using {endPoint}: {client.Describe()}");
                if (TcpSocketTable.OpenTo(client.Pid, endPoint) > 0)
                    quietSince = null;
                else if (quietSince is null)
                    quietSince = now;
                else if (now - quietSince >= Quiet)
                    clientStopped = quietSince - lostAt;
            }
            Thread.Sleep(Interval);
        }
        return new Result(routerTko.Value, clientStopped!.Value, requestsAtTko);
    }
}
