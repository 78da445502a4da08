using Hoard.Protocol.Text;

namespace Hoard.Protocol.Meta;

/// <summary>
/// What the <c>q</c> flag hides, as memcached 1.6.18 does it: the uninteresting outcome of each command, so a
/// client can pipeline quiet commands and end them with <c>mn</c>, whose <c>MN</c> is always sent. Errors are
/// never hidden.
/// </summary>
public static class MetaQuietMode
{
    /// <param name="kind">The meta command.</param>
    /// <param name="status">The reply's status.</param>
    /// <param name="created">For <c>ma</c>: the counter was created by <c>N</c> (memcached still answers then).</param>
    public static bool Suppresses(TextCommandKind kind, MetaStatus status, bool created = false) => kind switch
    {
        // mg: only a miss is hidden; a hit is sent even with q.
        TextCommandKind.MetaGet => status == MetaStatus.End,
        // ms and md: only success (HD) is hidden; NS, NF and EX are sent.
        TextCommandKind.MetaSet or TextCommandKind.MetaDelete => status == MetaStatus.Header,
        // ma: a successful update is hidden, with or without its value; NF and EX are sent.
        TextCommandKind.MetaArithmetic => status is MetaStatus.Header or MetaStatus.Value && !created,
        _ => false,
    };
}
