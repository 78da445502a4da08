using System.Buffers;
using System.Diagnostics;
using System.Threading.Tasks.Sources;
using Hoard.Client.Diagnostics;
using Hoard.Protocol.Text;

namespace Hoard.Client.Connections;

/// <summary>
/// One request on a pipelined connection: it writes its bytes, then reads its own reply when that reply is
/// at the head of the stream. Completion is a <see cref="ValueTask{TResult}"/> over this object. A caller
/// that gives up (cancellation) is answered at once, but the operation stays queued until its reply has been
/// read and discarded, so the stream never loses its place.
/// <para>
/// The caller awaits this object itself (no async state machine in between), so what the client does when a
/// request finishes — metrics, the node's health — happens here before the caller resumes, and a pooled
/// operation returns to its pool when the caller takes its result.
/// </para>
/// </summary>
internal abstract class Operation<TResult> : IValueTaskSource<TResult>, IPendingReply, IThreadPoolWorkItem
{
    // Continuations run from Execute on the thread pool (this object is the work item: nothing is allocated to
    // hop threads), never inline on the I/O thread that read the reply.
    private ManualResetValueTaskSourceCore<TResult> _completion;
    private int _finished;
    private CancellationTokenRegistration _cancellation;
    private TResult? _replyResult;
    private Exception? _replyError;
    private TResult? _result;
    private Exception? _error;
    private bool _completedByReply;
    /// <summary>The node whose health and metrics this operation reports to; null when nobody asked.</summary>
    private CacheNode? _reportTo;

    public long StartedTimestamp { get; private set; } = Stopwatch.GetTimestamp();

    public ValueTask<TResult> Task => new(this, _completion.Version);

    /// <summary>The token of the current use, for other views of this operation's completion.</summary>
    protected short Version => _completion.Version;

    /// <summary>A name for errors and logs: the command and key.</summary>
    public abstract string Describe();

    /// <summary>The operation's kind for metrics (a constant: no allocation per request).</summary>
    public abstract string Name { get; }

    /// <summary>Writes the request.</summary>
    public abstract void WriteRequest(IBufferWriter<byte> writer);

    /// <summary>
    /// Reads this operation's reply from the head of <paramref name="buffer"/>. A complete reply is kept until
    /// the connection has taken the operation off its queue and calls <see cref="CompleteFromReply"/>.
    /// </summary>
    public ParseStatus ReadReply(ReadOnlySpan<byte> buffer, out int consumed)
    {
        var status = ParseReply(buffer, out consumed, out var result, out var error);
        if (status == ParseStatus.Complete)
        {
            _replyResult = result;
            _replyError = error;
        }
        return status;
    }

    /// <summary>Hands the reply read by <see cref="ReadReply"/> to the caller.</summary>
    public void CompleteFromReply()
    {
        if (_replyError is { } error)
            Finish(default, error, byReply: false);
        else
            Finish(_replyResult, null, byReply: true);
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

    /// <summary>
    /// When this operation finishes, records it in the client's metrics (duration or error) and a success
    /// on <paramref name="node"/>'s health, before the caller resumes.
    /// </summary>
    public void ReportTo(CacheNode node) => _reportTo = node;

    public void Succeed(TResult result) => Finish(result, null, byReply: false);

    public void Fail(Exception error) => Finish(default, error, byReply: false);

    private void Finish(TResult? result, Exception? error, bool byReply)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
            return;
        _cancellation.Dispose();
        _result = result;
        _error = error;
        _completedByReply = byReply;
        if (byReply && CompletesInline)
            ((IThreadPoolWorkItem)this).Execute();
        else
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Whether a reply completes the caller on the I/O thread that read it, without a hop to the thread pool.
    /// Only for callers whose continuations are short and never block (the router's): anything slow there
    /// holds up every other reply on the connection.
    /// </summary>
    protected virtual bool CompletesInline => false;

    void IThreadPoolWorkItem.Execute()
    {
        if (_error is { } error)
        {
            if (_reportTo is not null && error is HoardException)
                ClientMetrics.Error(Name);
            _completion.SetException(error);
        }
        else
        {
            if (_reportTo is { } node)
            {
                ClientMetrics.Completed(Name, StartedTimestamp);
                node.RecordSuccess();
                OnReportedSuccess(_result!);
            }
            _completion.SetResult(_result!);
        }
    }

    /// <summary>More to record of a success reported to a node (after <see cref="ReportTo"/>).</summary>
    protected virtual void OnReportedSuccess(TResult result)
    {
    }

    /// <summary>Returns a pooled operation to its pool; nothing for the others.</summary>
    protected virtual void Recycle()
    {
    }

    /// <summary>Makes a recycled operation new again (a new version of its completion).</summary>
    protected void ResetForReuse()
    {
        _completion.Reset();
        _finished = 0;
        _cancellation = default;
        _replyResult = default;
        _replyError = null;
        _result = default;
        _error = null;
        _completedByReply = false;
        _reportTo = null;
        StartedTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// The caller takes the result (once, as with any <see cref="ValueTask{TResult}"/>). Only an operation
    /// answered by its reply is then reused: one that was cancelled or failed may still be on a connection's
    /// queue, its reply still to come.
    /// </summary>
    public TResult GetResult(short token)
    {
        var result = _completion.GetResult(token);
        if (_completedByReply)
        {
            _completedByReply = false;
            Recycle();
        }
        return result;
    }

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

    void CompleteFromReply();

    void Fail(Exception error);
}
