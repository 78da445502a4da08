namespace Hoard.Protocol.Meta;

/// <summary>The two-letter status that starts a meta reply.</summary>
public enum MetaStatus : byte
{
    /// <summary><c>VA &lt;size&gt;</c>: a value follows.</summary>
    Value,
    /// <summary><c>HD</c>: success without a value.</summary>
    Header,
    /// <summary><c>EN</c>: <c>mg</c>/<c>me</c> miss.</summary>
    End,
    /// <summary><c>NF</c>: not found.</summary>
    NotFound,
    /// <summary><c>NS</c>: not stored.</summary>
    NotStored,
    /// <summary><c>EX</c>: CAS mismatch.</summary>
    Exists,
    /// <summary><c>MN</c>: the reply to <c>mn</c>.</summary>
    NoOp,
}
