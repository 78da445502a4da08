using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Hoard.Server.Text;

namespace Hoard.Server.Network;

/// <summary>
/// A connection served with .NET's asynchronous sockets (the portable transport). Plain connections read and
/// write the socket directly; TLS connections go through an <see cref="SslStream"/> over it, after a handshake
/// that must finish within <see cref="ServerOptions.TlsHandshakeTimeout"/>.
/// </summary>
internal sealed class ClientConnection : IServerConnection
{
    private readonly Socket _socket;
    private readonly ServerContext _context;
    private readonly ProtocolSession _session;
    private readonly long _id;
    private readonly SslServerAuthenticationOptions? _tls;
    private SslStream? _stream;
    private int _disposed;

    /// <summary>A connection on <paramref name="socket"/>; <paramref name="tls"/> holds the handshake settings of a TLS listener's connection, null for plain text.</summary>
    public ClientConnection(Socket socket, ServerContext context, TextCommandHandler handler, long id, SslServerAuthenticationOptions? tls = null)
    {
        _socket = socket;
        _context = context;
        _id = id;
        _tls = tls;
        _session = new ProtocolSession(context, handler, id);
    }

    public long LastActivity => _session.LastActivity;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_tls is not null && !await AuthenticateAsync(_tls, cancellationToken).ConfigureAwait(false))
                return;
            var stream = _stream;
            while (true)
            {
                if (!_session.MakeRoom())
                {
                    await CloseTlsAsync().ConfigureAwait(false);
                    return;
                }
                int received = stream is null
                    ? await _socket.ReceiveAsync(_session.ReceiveMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false)
                    : await stream.ReadAsync(_session.ReceiveMemory, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                    return;
                _session.Received(received);

                while (true)
                {
                    var next = _session.Process();
                    if (_session.Output.Length > 0)
                        await FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (next == NextStep.Receive)
                        break;
                    if (next == NextStep.Close)
                    {
                        await CloseTlsAsync().ConfigureAwait(false);
                        return;
                    }
                    if (next == NextStep.Shutdown)
                    {
                        await CloseTlsAsync().ConfigureAwait(false);
                        _context.RequestShutdown?.Invoke();
                        return;
                    }
                    if (next == NextStep.Yield)
                    {
                        _context.Statistics.AddYield();
                        await Task.Yield();
                    }
                }
            }
        }
        catch (SocketException)
        {
        }
        catch (IOException)
        {
            // A TLS connection's socket errors, and a peer that breaks the TLS framing, arrive wrapped.
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Dispose();
            if (_stream is not null)
                await _stream.DisposeAsync().ConfigureAwait(false);
            _session.Dispose();
        }
    }

    /// <summary>
    /// Runs the server side of the TLS handshake, bounded in time so a client that connects and never
    /// completes it cannot hold a connection slot. False (counted in <c>ssl_handshake_errors</c>) when it fails.
    /// </summary>
    private async ValueTask<bool> AuthenticateAsync(SslServerAuthenticationOptions tls, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        _stream = stream;
        var timeout = _context.Options.TlsHandshakeTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await stream.AuthenticateAsServerAsync(tls, deadline.Token).ConfigureAwait(false);
            _context.Statistics.TlsHandshakeCompleted(succeeded: true);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _context.Statistics.TlsHandshakeCompleted(succeeded: false);
            Log.TlsHandshakeTimedOut(_context.Logger, _id, timeout.TotalSeconds);
            return false;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
        {
            _context.Statistics.TlsHandshakeCompleted(succeeded: false);
            Log.TlsHandshakeFailed(_context.Logger, _id, e.Message);
            return false;
        }
    }

    /// <summary>Closes the socket; a pending receive ends and the loop exits.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    /// <summary>
    /// When the server ends a TLS connection (<c>quit</c>, a line too long), it says so with a close_notify
    /// alert as memcached does, so the client can tell the end from a truncation. Bounded: a client that
    /// reads nothing cannot hold the connection open.
    /// </summary>
    private async ValueTask CloseTlsAsync()
    {
        if (_stream is not { IsAuthenticated: true } stream)
            return;
        try
        {
            await stream.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is being closed anyway.
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _session.Output.WrittenMemory;
        if (_stream is { } stream)
        {
            // One write: SslStream frames the whole buffer into records and sends all of it.
            await stream.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            pending = default;
        }
        while (pending.Length > 0)
        {
            int sent = await _socket.SendAsync(pending, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            pending = pending[sent..];
        }
        _session.OutputSent();
    }
}

/// <summary>A connection as the server tracks it, whichever transport serves it.</summary>
internal interface IServerConnection : IDisposable
{
    long LastActivity { get; }
}
