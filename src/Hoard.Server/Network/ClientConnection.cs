using System.Net.Sockets;
using Hoard.Server.Text;

namespace Hoard.Server.Network;

/// <summary>A connection served with .NET's asynchronous sockets (the portable transport).</summary>
internal sealed class ClientConnection : IServerConnection
{
    private readonly Socket _socket;
    private readonly ServerContext _context;
    private readonly ProtocolSession _session;
    private int _disposed;

    public ClientConnection(Socket socket, ServerContext context, TextCommandHandler handler, long id)
    {
        _socket = socket;
        _context = context;
        _session = new ProtocolSession(context, handler, id);
    }

    public long LastActivity => _session.LastActivity;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!_session.MakeRoom())
                    return;
                int received = await _socket.ReceiveAsync(_session.ReceiveMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
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
                        return;
                    if (next == NextStep.Shutdown)
                    {
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
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Dispose();
            _session.Dispose();
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

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _session.Output.WrittenMemory;
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
