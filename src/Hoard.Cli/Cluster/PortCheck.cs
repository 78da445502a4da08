using System.Net;
using System.Net.Sockets;

namespace Hoard.Cli.Cluster;

/// <summary>Whether a TCP port can be listened on, found by binding it for a moment.</summary>
internal static class PortCheck
{
    /// <summary>Null when <paramref name="port"/> is free on <paramref name="host"/>; otherwise why not.</summary>
    public static string? Problem(string host, int port)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var address) ? [address] : Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            return $"cannot resolve {host}: {e.Message}";
        }
        if (addresses.Length == 0)
            return $"{host} has no address";

        var first = addresses[0];
        using var socket = new Socket(first.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(first, port));
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return $"port {port} on {host} is already in use";
        }
        catch (SocketException e)
        {
            return $"cannot listen on {host} port {port}: {e.Message}";
        }
    }
}
