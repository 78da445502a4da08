namespace Hoard.Client.Connections;

/// <summary>
/// Sends collected over one round of an event loop: while a batch is open on a thread, a connection with
/// <see cref="ConnectionSettings.InlineIo"/> that has a new request to send registers here instead of writing at
/// once, and <see cref="EndRound"/> makes one write per connection for everything the round asked of it. The
/// router calls it at the end of each round of its front threads' event loops, so the requests of every client
/// that was ready in that round travel upstream together (twemproxy does the same; on loopback a write costs
/// more than the request it carries).
/// </summary>
internal static class SendBatch
{
    [ThreadStatic]
    private static List<PipelinedConnection>? t_deferred;

    [ThreadStatic]
    private static bool t_open;


    /// <summary>
    /// Sends what the calling thread's round collected; from then on the thread collects its sends until its next
    /// call (an event loop calls it after every round, so nothing waits longer than the round it was asked in).
    /// </summary>
    public static void EndRound()
    {
        t_open = true;
        var deferred = t_deferred;
        if (deferred is null || deferred.Count == 0)
            return;

        try
        {
            foreach (var connection in deferred)
                connection.PumpSend();
        }
        finally
        {
            deferred.Clear();
        }
    }

    /// <summary>Takes <paramref name="connection"/>'s send into the open batch; false when no batch is open on this thread.</summary>
    internal static bool TryDefer(PipelinedConnection connection)
    {
        if (!t_open)
            return false;
        (t_deferred ??= []).Add(connection);
        return true;
    }
}
