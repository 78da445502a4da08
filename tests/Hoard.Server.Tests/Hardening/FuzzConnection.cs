using System.Net;
using System.Net.Sockets;
using Hoard.Protocol.Tests.Fuzz;

namespace Hoard.Server.Tests.Hardening;

/// <summary>What the server did with one connection's worth of fuzz input.</summary>
internal readonly record struct ConnectionOutcome(long BytesSent, long BytesReceived, bool ClosedEarly, bool Hung, int Stored, int Errors, int Values, bool BinaryReply);

/// <summary>
/// One fuzz connection: sends a byte stream in random pieces while reading whatever comes back, then half-closes
/// and waits for the server to close too. The server must close within <c>closeTimeout</c> once the client
/// has finished sending (as memcached does); a connection it keeps open is reported as hung.
/// </summary>
internal static class FuzzConnection
{
    public static ConnectionOutcome Run(EndPoint endPoint, byte[] stream, ulong pieceSeed, TimeSpan closeTimeout)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endPoint);
        socket.ReceiveTimeout = (int)closeTimeout.TotalMilliseconds;
        var reader = Task.Factory.StartNew(() => Drain(socket), TaskCreationOptions.LongRunning);

        var rng = new FuzzRng(pieceSeed);
        long sent = 0;
        bool closedEarly = false;
        try
        {
            while (sent < stream.Length)
            {
                int piece = rng.Next(4) switch
                {
                    0 => stream.Length,
                    1 => rng.Next(1, 16),
                    _ => rng.Next(1, 4096),
                };
                piece = (int)Math.Min(piece, stream.Length - sent);
                sent += socket.Send(stream, (int)sent, piece, SocketFlags.None);
            }
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed first (quit, a line too long): that is an answer too.
            closedEarly = true;
        }
        var (received, hung, stored, errors, values, binaryReply) = reader.GetAwaiter().GetResult();
        return new ConnectionOutcome(sent, received, closedEarly, hung, stored, errors, values, binaryReply);
    }

    private static (long Received, bool Hung, int Stored, int Errors, int Values, bool BinaryReply) Drain(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        long received = 0;
        int stored = 0, errors = 0, values = 0;
        bool binaryReply = false;
        try
        {
            while (true)
            {
                int n = socket.Receive(buffer);
                if (n == 0)
                    return (received, false, stored, errors, values, binaryReply);
                // A binary-protocol response starts with its magic byte 0x81.
                binaryReply |= received == 0 && buffer[0] == 0x81;
                received += n;
                var chunk = buffer.AsSpan(0, n);
                stored += Count(chunk, "STORED\r\n"u8);
                errors += Count(chunk, "ERROR"u8);
                values += Count(chunk, "VALUE "u8) + Count(chunk, "VA "u8);
            }
        }
        catch (SocketException ex)
        {
            bool hung = ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock;
            return (received, hung, stored, errors, values, binaryReply);
        }
    }

    private static int Count(ReadOnlySpan<byte> text, ReadOnlySpan<byte> pattern)
    {
        int count = 0;
        int at;
        while ((at = text.IndexOf(pattern)) >= 0)
        {
            count++;
            text = text[(at + pattern.Length)..];
        }
        return count;
    }
}
