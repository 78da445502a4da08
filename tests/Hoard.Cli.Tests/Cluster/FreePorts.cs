using System.Net;
using System.Net.Sockets;

namespace Hoard.Cli.Tests.Cluster;

/// <summary>Consecutive free loopback ports, below the kernel's ephemeral range so no outgoing connection takes one meanwhile.</summary>
public static class FreePorts
{
    public static int FindConsecutive(int count)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int first = Random.Shared.Next(20_000, 32_000 - count);
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }
        throw new InvalidOperationException($"no {count} consecutive free ports found in 20000-32000");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
