using System.Net;
using System.Net.Sockets;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

public static class Ports
{
    /// <summary>
    /// A loopback port free a moment ago, for programs that cannot report the port they bound (MariaDB). The
    /// hoard nodes and the app bind port 0 and report theirs instead.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback port nothing listens on (bound and closed again): connecting to it is refused at once.</summary>
    public static int Closed() => Free();

    public static bool Accepts(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
