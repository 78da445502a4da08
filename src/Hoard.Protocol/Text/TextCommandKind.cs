namespace Hoard.Protocol.Text;

/// <summary>Commands of memcached's text protocol, meta commands included.</summary>
public enum TextCommandKind : byte
{
    Unknown,
    Get,
    Gets,
    Gat,
    Gats,
    Set,
    Add,
    Replace,
    Append,
    Prepend,
    Cas,
    Delete,
    Incr,
    Decr,
    Touch,
    FlushAll,
    Version,
    Verbosity,
    Quit,
    Stats,
    Shutdown,
    CacheMemLimit,
    MetaGet,
    MetaSet,
    MetaDelete,
    MetaArithmetic,
    MetaNoOp,
    MetaDebug,
    /// <summary><c>refresh_certs</c>: reload the TLS certificates (memcached with TLS).</summary>
    RefreshCerts,
}
