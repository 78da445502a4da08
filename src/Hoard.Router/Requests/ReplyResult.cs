namespace Hoard.Router.Requests;

/// <summary>What a reply says, for the routes that decide on it (failover, miss failover, majority).</summary>
public enum ReplyResult : byte
{
    Hit,
    Miss,
    Stored,
    NotStored,
    Exists,
    NotFound,
    Deleted,
    Touched,
    /// <summary>A meta <c>HD</c> or a number from incr/decr: the command took effect.</summary>
    Done,
    /// <summary>The request was bad (<c>CLIENT_ERROR</c>, <c>ERROR</c>): another server would say the same.</summary>
    ClientError,
    /// <summary>The server answered <c>SERVER_ERROR</c>.</summary>
    RemoteError,
    /// <summary>No connection could be made, or it broke.</summary>
    ConnectError,
    /// <summary>No reply within the server timeout.</summary>
    Timeout,
    /// <summary>The server is marked down (TKO) and was not tried.</summary>
    Tko,
    /// <summary>The router itself refused (ErrorRoute, no route).</summary>
    LocalError,
}

public static class ReplyResultExtensions
{
    /// <summary>Errors a FailoverRoute may act on (client errors are not: every server would give the same).</summary>
    public static bool IsError(this ReplyResult result) => result >= ReplyResult.RemoteError;

    /// <summary>The name mcrouter's <c>failover_errors</c> uses.</summary>
    public static string ErrorName(this ReplyResult result) => result switch
    {
        ReplyResult.RemoteError => "remote_error",
        ReplyResult.ConnectError => "connect_error",
        ReplyResult.Timeout => "timeout",
        ReplyResult.Tko => "tko",
        ReplyResult.LocalError => "local_error",
        _ => "none",
    };

    /// <summary>How bad a reply is, for AllSyncRoute's "worst reply": errors first, then misses and refusals.</summary>
    public static int Severity(this ReplyResult result) => result switch
    {
        ReplyResult.Hit or ReplyResult.Stored or ReplyResult.Deleted or ReplyResult.Touched or ReplyResult.Done => 0,
        ReplyResult.Miss or ReplyResult.NotFound => 1,
        ReplyResult.NotStored or ReplyResult.Exists => 2,
        ReplyResult.ClientError => 3,
        _ => 4 + (int)result,
    };
}
