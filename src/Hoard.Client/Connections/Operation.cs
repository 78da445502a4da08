using System.Buffers;
using System.Diagnostics;
using System.Threading.Tasks.Sources;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// One request on a pipelined connection: it writes its bytes, then reads its own reply when that reply is
/// at the head of the stream. Completion is a <see cref="ValueTask{TResult}"/> over this object. A caller
/// that gives up (cancellation) is answered at once, but the operation stays queued until its reply has been
/// read and discarded, so the stream never loses its place.
/// </summary>
internal abstract class Operation<TResult> : IValueTaskSource<TResult>, IPendingReply
{
    private ManualResetValueTaskSourceCore<TResult> _completion = new() { RunContinuationsAsynchronously = true };
    private int _finished;
    private CancellationTokenRegistration _cancellation;

    public long StartedTimestamp { get; } = Stopwatch.GetTimestamp();

    public ValueTask<TResult> Task => new(this, _completion.Version);

    /// <summary>A name for errors and logs: the command and key.</summary>
    public abstract string Describe();

    /// <summary>The operation's kind for metrics (a constant: no allocation per request).</summary>
    public abstract string Name { get; }

    /// <summary>Writes the request.</summary>
    public abstract void WriteRequest(IBufferWriter<byte> writer);

    /// <summary>Reads this operation's reply from the head of <paramref name="buffer"/>.</summary>
    public ParseStatus ReadReply(ReadOnlySpan<byte> buffer, out int consumed)
    {
        var status = ParseReply(buffer, out consumed, out var result, out var error);
        if (status == ParseStatus.Complete)
        {
            if (error is not null)
                Fail(error);
            else
                Succeed(result!);
        }
        return status;
    }

    /// <summary>
    /// Parses the reply. A server error reply (<c>SERVER_ERROR</c> ...) is Complete with <paramref name="error"/>
    /// set: the request failed but the stream is intact.
    /// </summary>
    protected abstract ParseStatus ParseReply(ReadOnlySpan<byte> buffer, out int consumed, out TResult? result, out Exception? error);

    public void ObserveCancellation(CancellationToken token)
    {
        if (token.CanBeCanceled)
            _cancellation = token.UnsafeRegister(static (state, t) => ((Operation<TResult>)state!).Fail(new OperationCanceledException(t)), this);
    }

    public void Succeed(TResult result)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
            return;
        _cancellation.Dispose();
        _completion.SetResult(result);
    }

    public void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
            return;
        _cancellation.Dispose();
        _completion.SetException(error);
    }

    public TResult GetResult(short token) => _completion.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}

/// <summary>What a connection needs of a queued operation, whatever its result type.</summary>
internal interface IPendingReply
{
    long StartedTimestamp { get; }

    string Describe();

    void WriteRequest(IBufferWriter<byte> writer);

    ParseStatus ReadReply(ReadOnlySpan<byte> buffer, out int consumed);

    void Fail(Exception error);
}
