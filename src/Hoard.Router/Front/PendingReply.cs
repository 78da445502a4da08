using System.Runtime.CompilerServices;
using System.Text;
using Hoard.Router.Requests;

namespace Hoard.Router.Front;

/// <summary>
/// A request's reply on its way back, as a client connection queues it: the routed reply itself (its bytes are
/// taken when it is written, or nothing for <c>noreply</c>), or bytes the router makes. Holding the route's task
/// directly spares every request an async method whose only work would be to turn one into the other.
/// </summary>
internal readonly struct PendingReply
{
    private static readonly byte[] Nothing = [];

    private readonly ValueTask<RouterReply> _routed;
    private readonly ValueTask<byte[]> _made;
    private readonly bool _isRouted;
    private readonly bool _silent;

    private PendingReply(ValueTask<RouterReply> routed, bool silent)
    {
        _routed = routed;
        _isRouted = true;
        _silent = silent;
    }

    private PendingReply(ValueTask<byte[]> made) => _made = made;

    /// <summary>The reply of a routed request; <paramref name="silent"/> for <c>noreply</c> (nothing is written).</summary>
    public static PendingReply Routed(ValueTask<RouterReply> reply, bool silent = false) => new(reply, silent);

    /// <summary>Bytes the router makes (at once or later).</summary>
    public static PendingReply Made(ValueTask<byte[]> reply) => new(reply);

    public static PendingReply Ready(byte[] reply) => new(new ValueTask<byte[]>(reply));

    public bool IsCompleted => _isRouted ? _routed.IsCompleted : _made.IsCompleted;

    /// <summary>
    /// The bytes to write (empty for none). Read once, after <see cref="IsCompleted"/>; a failure (a router bug:
    /// routes answer the servers' failures) becomes a SERVER_ERROR line instead of a hung or dropped connection.
    /// </summary>
    public byte[] Result()
    {
        try
        {
            if (!_isRouted)
                return _made.Result;
            var reply = _routed.Result;
            return _silent ? Nothing : reply.Bytes;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Encoding.ASCII.GetBytes($"SERVER_ERROR router error: {e.Message.ReplaceLineEndings(" ")}\r\n");
        }
    }

    /// <summary>Runs <paramref name="continuation"/> once the reply is complete (on the completing thread).</summary>
    public void OnCompleted(Action continuation)
    {
        if (_isRouted)
            _routed.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
        else
            _made.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
    }

    public Awaiter GetAwaiter() => new(this);

    /// <summary>Lets the asynchronous transport <c>await</c> a pending reply.</summary>
    public readonly struct Awaiter(PendingReply reply) : ICriticalNotifyCompletion
    {
        public bool IsCompleted => reply.IsCompleted;

        public byte[] GetResult() => reply.Result();

        public void OnCompleted(Action continuation) => reply.OnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation) => reply.OnCompleted(continuation);
    }
}
