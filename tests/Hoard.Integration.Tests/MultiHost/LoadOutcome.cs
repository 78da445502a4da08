namespace Hoard.Integration.Tests.MultiHost;

/// <summary>What one request of the load got back.</summary>
public enum LoadOutcome
{
    /// <summary>A get returned the key's value.</summary>
    Hit,

    /// <summary>A get returned nothing.</summary>
    Miss,

    /// <summary>A get returned a value that is not the key's.</summary>
    WrongValue,

    /// <summary>A set was stored.</summary>
    Stored,

    /// <summary><c>SERVER_ERROR ...</c>: the router answered with an error (timeout, server down).</summary>
    ServerError,

    /// <summary>No reply within the client's limit, or the connection broke: the client reconnects.</summary>
    Broken,

    /// <summary>A reply that is none of the above.</summary>
    Unexpected,
}
