using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Server.Tests.Network;

/// <summary>A plain TCP client for exact-byte protocol tests; every read has a timeout.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _pending = new();

    public RawClient(EndPoint endPoint)
    {
        bool unix = endPoint.AddressFamily == AddressFamily.Unix;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, unix ? ProtocolType.Unspecified : ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
        if (!unix)
            _socket.NoDelay = true;
        _socket.Connect(endPoint);
    }

    public void Send(string text) => Send(Encoding.ASCII.GetBytes(text));

    public void Send(byte[] bytes) => _socket.Send(bytes);

    /// <summary>Reads until the received text ends with <paramref name="terminator"/>.</summary>
    public string ReadUntil(string terminator)
    {
        var buffer = new byte[64 * 1024];
        while (!Encoding.ASCII.GetString(_pending.ToArray()).EndsWith(terminator, StringComparison.Ordinal))
        {
            int n = _socket.Receive(buffer);
            if (n == 0)
                break;
            _pending.Write(buffer, 0, n);
        }
        var text = Encoding.ASCII.GetString(_pending.ToArray());
        _pending.SetLength(0);
        return text;
    }

    /// <summary>True when the server closed the connection (reads return 0) within the timeout.</summary>
    public bool WaitForClose(out string trailing)
    {
        var buffer = new byte[4096];
        var received = new StringBuilder();
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer);
                if (n == 0)
                {
                    trailing = received.ToString();
                    return true;
                }
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (SocketException ex)
        {
            // A reset is a close too; a timeout means the server kept the connection open.
            trailing = received.ToString();
            return ex.SocketErrorCode != SocketError.TimedOut && ex.SocketErrorCode != SocketError.WouldBlock;
        }
    }

    /// <summary>Half-closes: the server sees end of input but can still reply.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => _socket.Dispose();
}
