using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Hoard.Router.Front;

/// <summary>
/// A client connection on .NET's asynchronous sockets (where the epoll transport is not available): one loop
/// reads and starts requests, another writes their replies in order from a bounded queue (back-pressure: the
/// reader waits when the queue is full).
/// </summary>
internal sealed class AsyncFrontConnection : FrontConnection
{
    private readonly Socket _socket;
    private readonly Channel<PendingReply> _replies;
    private readonly Task _completion;

    public AsyncFrontConnection(Socket socket, RouterCore core, long id, CancellationToken cancellationToken)
        : base(core, id)
    {
        _socket = socket;
        _replies = Channel.CreateBounded<PendingReply>(new BoundedChannelOptions(core.Options.MaxInFlightPerClient)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The idle writer wakes on the reader's thread instead of a thread-pool hop per request: it only
            // looks at the new reply and, as that is still on its way, waits for it.
            AllowSynchronousContinuations = true,
        });
        _completion = RunAsync(cancellationToken);
    }

    public override Task Completion => _completion;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var writer = WriteRepliesAsync(cancellationToken);
        try
        {
            await ReadRequestsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
        }
        finally
        {
            _replies.Writer.TryComplete();
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            Close();
        }
    }

    public override void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    private async Task ReadRequestsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int received = await _socket.ReceiveAsync(ReceiveSpace(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
                return;
            Received(received);
            while (TryStartNext(out var reply, out bool quit))
            {
                await _replies.Writer.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
                if (quit)
                    return;
            }
        }
    }

    private async Task WriteRepliesAsync(CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(16 * 1024);
        var reader = _replies.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryPeek(out var next))
            {
                // Send what is ready before waiting on a reply that is not.
                if (!next.IsCompleted && output.WrittenCount > 0)
                    await FlushAsync(output, cancellationToken).ConfigureAwait(false);
                reader.TryRead(out _);
                byte[] reply = await next;
                if (ReferenceEquals(reply, CloseMarker))
                {
                    await FlushAsync(output, cancellationToken).ConfigureAwait(false);
                    Close();
                    return;
                }
                output.Write(reply);
                if (output.WrittenCount >= 256 * 1024)
                    await FlushAsync(output, cancellationToken).ConfigureAwait(false);
            }
            if (output.WrittenCount > 0)
                await FlushAsync(output, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync(ArrayBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var pending = output.WrittenMemory;
        while (pending.Length > 0)
        {
            int sent = await _socket.SendAsync(pending, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            pending = pending[sent..];
        }
        output.ResetWrittenCount();
    }
}
