using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Samples.Movies.Health;

/// <summary>
/// Asks one cache node for its version over a connection of its own, with a short deadline. Separate from
/// the HoardClient (whose <c>VersionOfEachServerAsync</c> does say which node is down): a health check wants each
/// node's own round-trip time and a deadline per node, so that one hung node cannot hold up the report, and a
/// fresh connection shows whether the node takes new ones.
/// </summary>
public static class CacheNodeProbe
{
    public static async Task<CacheNodeHealth> ProbeAsync(ServerEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        long started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(server.Host, server.Port, deadline.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("version\r\n"u8.ToArray(), deadline.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            int length = 0;
            while (length < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(length), deadline.Token).ConfigureAwait(false);
                if (read == 0)
                    break;
                length += read;
                if (buffer.AsSpan(0, length).IndexOf("\r\n"u8) >= 0)
                    break;
            }
            string line = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n")[0];
            var elapsed = Stopwatch.GetElapsedTime(started);
            return line.StartsWith("VERSION ", StringComparison.Ordinal)
                ? new CacheNodeHealth(server.HostPort, true, line["VERSION ".Length..], elapsed.TotalMilliseconds, null)
                : new CacheNodeHealth(server.HostPort, false, null, elapsed.TotalMilliseconds, $"unexpected reply to version: '{line}'");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CacheNodeHealth(server.HostPort, false, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return new CacheNodeHealth(server.HostPort, false, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.Message);
        }
    }
}
