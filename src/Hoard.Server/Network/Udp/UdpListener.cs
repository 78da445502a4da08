using System.Net;
using System.Net.Sockets;
using Hoard.Protocol;
using Hoard.Server.Text;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Network.Udp;

/// <summary>
/// memcached's UDP protocol on one bound socket. Each datagram is one whole request: an 8-byte
/// <see cref="UdpFrameHeader"/>, then commands that a <see cref="ProtocolSession"/> runs exactly as on TCP.
/// The reply is sent as one message of datagrams of at most 1400 bytes, each echoing the request id and
/// numbered 0..n-1 of n; it is bounded by <see cref="ServerOptions.UdpMaxReplyBytes"/> because the sender
/// of a datagram can be forged (reflection attacks).
/// </summary>
internal sealed class UdpListener : IAsyncDisposable
{
    /// <summary>Holds the largest possible UDP payload (65,507 bytes over IPv4), so no request is cut by the receive.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private int _closed;

    private UdpListener(Socket socket, ServerContext context, TextCommandHandler handler, ILogger logger)
    {
        _socket = socket;
        _context = context;
        _handler = handler;
        _logger = logger;
        LocalEndPoint = socket.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Binds a UDP socket at <paramref name="endPoint"/>; nothing is received until <see cref="Start"/>.</summary>
    public static UdpListener Bind(IPEndPoint endPoint, ServerContext context, TextCommandHandler handler, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // As the TCP listeners: an IPv6 address serves IPv6 only, so "-l 0.0.0.0,::" binds both without clashing.
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = false;
            socket.Bind(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new UdpListener(socket, context, handler, logger);
    }

    /// <summary>
    /// Starts <paramref name="loops"/> receive loops. Each has its own session and buffers, so requests run in
    /// parallel as far as the socket engine's threads allow (memcached likewise gives every worker the socket).
    /// </summary>
    public void Start(int loops, Func<long> nextSessionId)
    {
        for (int i = 0; i < loops; i++)
            _loops.Add(ReceiveLoopAsync(nextSessionId(), _stopping.Token));
    }

    /// <summary>Closes the socket; receive loops end soon after (<see cref="DisposeAsync"/> waits for them).</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _stopping.Cancel();
        _socket.Dispose();
    }

    /// <summary>Closes the socket and waits for the receive loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync(long sessionId, CancellationToken token)
    {
        // Yield first, so Start returns at once rather than running up to the first receive on its own thread.
        await Task.Yield();
        // One receive and one send buffer per loop for its whole life, pinned because the socket engine pins
        // them on every call anyway; the session's reply buffer is pooled. A request allocates nothing.
        var datagram = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var outgoing = GC.AllocateUninitializedArray<byte>(UdpFrameHeader.MaxDatagramSize, pinned: true);
        var remote = new SocketAddress(_socket.AddressFamily);
        using var session = new ProtocolSession(_context, _handler, sessionId) { ReplyLimit = _context.Options.UdpMaxReplyBytes };
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(datagram, SocketFlags.None, remote, token).ConfigureAwait(false);
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
                if (token.IsCancellationRequested)
                    return;
                // An ICMP error for an earlier reply (reported on some platforms) is about that client only.
                if (ex.SocketErrorCode != SocketError.ConnectionReset)
                {
                    Log.UdpReceiveFailed(_logger, LocalEndPoint, ex);
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
                }
                continue;
            }

            ushort requestId;
            try
            {
                if (!TryRun(session, datagram.AsSpan(0, received), remote, out requestId))
                    continue;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A bug reached by one request must not end the listener for everyone else.
                var client = RemoteEndPoint(remote);
                Log.UdpRequestFailed(_logger, client, ex);
                session.Output.Reset();
                continue;
            }
            if (session.Output.Length > 0)
                await SendReplyAsync(session.Output, requestId, outgoing, remote, token).ConfigureAwait(false);
            session.Output.Reset();
        }
    }

    /// <summary>
    /// Runs the request in <paramref name="datagram"/>, leaving its reply in the session's output. False when
    /// the datagram is dropped unanswered, as memcached 1.6 drops it.
    /// </summary>
    private bool TryRun(ProtocolSession session, ReadOnlySpan<byte> datagram, SocketAddress remote, out ushort requestId)
    {
        _context.Statistics.AddBytesRead(datagram.Length);
        requestId = 0;
        // memcached ignores a datagram with no byte after the header.
        if (datagram.Length <= UdpFrameHeader.Size || !UdpFrameHeader.TryRead(datagram, out var header))
            return Drop(datagram.Length, remote, "shorter than a frame header and a command");
        // Requests are never reassembled (protocol.txt): memcached drops any datagram that says it is one of
        // several, and ignores the sequence number and the reserved field.
        if (header.Total != 1)
            return Drop(datagram.Length, remote, "part of a multi-datagram request");
        requestId = header.RequestId;

        session.LoadDatagram(datagram[UdpFrameHeader.Size..]);
        while (true)
        {
            var next = session.Process();
            // The reply goes out whole at the end: every datagram's header carries the count of all of them.
            // Requests per event (-R) does not apply either; one datagram is bounded work already.
            if (next is NextStep.FlushAndContinue or NextStep.Yield)
                continue;
            if (next == NextStep.Shutdown)
                _context.RequestShutdown?.Invoke();
            // Receive (the datagram is used up, a trailing partial command dropped as memcached does) or Close
            // (quit, a line too long, the reply bound reached): either way the request is over.
            break;
        }

        if (session.Output.Length > _context.Options.UdpMaxReplyBytes)
        {
            // The session cuts text replies at a command; a reply it could not cut (binary protocol) is not sent
            // at all rather than past the bound.
            session.Output.Reset();
            CountTruncated(header.RequestId, remote);
        }
        else if (session.ReplyLimitReached)
        {
            CountTruncated(header.RequestId, remote);
        }
        return true;
    }

    private async ValueTask SendReplyAsync(OutputBuffer reply, ushort requestId, byte[] outgoing, SocketAddress remote, CancellationToken token)
    {
        int total = UdpFrameHeader.DatagramCount(reply.Length);
        int offset = 0;
        try
        {
            for (int sequence = 0; sequence < total; sequence++)
            {
                int length = Math.Min(UdpFrameHeader.MaxPayloadPerDatagram, reply.Length - offset);
                new UdpFrameHeader(requestId, (ushort)sequence, (ushort)total, 0).Write(outgoing);
                reply.WrittenSpan.Slice(offset, length).CopyTo(outgoing.AsSpan(UdpFrameHeader.Size));
                await _socket.SendToAsync(outgoing.AsMemory(0, UdpFrameHeader.Size + length), SocketFlags.None, remote, token).ConfigureAwait(false);
                offset += length;
            }
        }
        catch (SocketException ex)
        {
            // The client's problem (unreachable, buffers full): the rest of this reply is lost, as UDP allows.
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var client = RemoteEndPoint(remote);
                Log.UdpSendFailed(_logger, client, ex.SocketErrorCode);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            int datagrams = UdpFrameHeader.DatagramCount(offset);
            _context.Statistics.AddBytesWritten(offset + (long)datagrams * UdpFrameHeader.Size);
        }
    }

    private bool Drop(int length, SocketAddress remote, string reason)
    {
        _context.Statistics.UdpRequestDropped();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var client = RemoteEndPoint(remote);
            Log.UdpDatagramDropped(_logger, length, client, reason);
        }
        return false;
    }

    private void CountTruncated(ushort requestId, SocketAddress remote)
    {
        _context.Statistics.UdpReplyTruncated();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var client = RemoteEndPoint(remote);
            Log.UdpReplyTruncated(_logger, requestId, client, _context.Options.UdpMaxReplyBytes);
        }
    }

    /// <summary>The sender as an endpoint, for log messages only (it allocates).</summary>
    private EndPoint RemoteEndPoint(SocketAddress remote) => LocalEndPoint.Create(remote);
}
