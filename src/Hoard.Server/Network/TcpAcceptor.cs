using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Network;

/// <summary>
/// Binding TCP listeners from memcached-style <c>-l</c> addresses and accepting their connections: the listener
/// code the server and the router share.
/// </summary>
public static class TcpAcceptor
{
    /// <summary>
    /// The endpoints of one <c>-l</c> entry: <c>addr</c>, <c>addr:port</c>, <c>[v6]:port</c>, <c>*</c> or a host name
    /// (every address it resolves to); <paramref name="defaultPort"/> when the entry names none.
    /// </summary>
    public static IEnumerable<IPEndPoint> ResolveListenEndPoint(string entry, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string host = entry;
        int port = defaultPort;
        // "addr:port", "[v6]:port" or a bare address (IPv6 addresses contain colons themselves).
        int colon = entry.LastIndexOf(':');
        if (entry.StartsWith('[') && entry.Contains("]:", StringComparison.Ordinal))
        {
            host = entry[1..entry.IndexOf(']')];
            port = int.Parse(entry[(entry.IndexOf("]:", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
        }
        else if (colon > 0 && entry.IndexOf(':') == colon)
        {
            host = entry[..colon];
            port = int.Parse(entry[(colon + 1)..], CultureInfo.InvariantCulture);
        }
        host = host.Trim('[', ']');
        if (host is "*" or "" or "0.0.0.0")
        {
            yield return new IPEndPoint(IPAddress.Any, port);
            yield break;
        }
        if (IPAddress.TryParse(host, out var address))
        {
            yield return new IPEndPoint(address, port);
            yield break;
        }
        foreach (var resolved in Dns.GetHostAddresses(host))
            yield return new IPEndPoint(resolved, port);
    }

    /// <summary>A listening socket on <paramref name="endPoint"/> (IPv6 sockets only IPv6, as memcached binds them).</summary>
    public static Socket Bind(IPEndPoint endPoint, int backlog)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                listener.DualMode = false;
            listener.Bind(endPoint);
            listener.Listen(backlog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts connections on <paramref name="listener"/> until <paramref name="cancellationToken"/> fires or the
    /// listener is closed, handing each to <paramref name="admit"/>. Running out of descriptors does not end it:
    /// it backs off briefly and goes on.
    /// </summary>
    public static async Task RunAcceptLoopAsync(Socket listener, Action<Socket> admit, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(admit);
        string name = listener.LocalEndPoint?.ToString() ?? "listener";
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (cancellationToken.IsCancellationRequested)
                    return;
                Log.AcceptFailed(logger, name, ex);
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            admit(client);
        }
    }
}
