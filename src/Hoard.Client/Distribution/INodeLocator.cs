namespace Hoard.Client.Distribution;

/// <summary>
/// Picks the server that holds a key, the same way some existing memcached client does, so .NET and other
/// clients sharing a fleet agree on where every key lives. An instance is immutable and safe to use from
/// any number of threads; a changed server list is a new instance (<see cref="WithNodes"/>), which a pool
/// swaps in with one reference assignment.
/// </summary>
public interface INodeLocator
{
    /// <summary>The servers, in the order given: order matters to modula, and to nothing else.</summary>
    IReadOnlyList<ServerEndPoint> Nodes { get; }

    /// <summary>The scheme this locator implements.</summary>
    KeyDistribution Distribution { get; }

    /// <summary>The server for <paramref name="key"/> (the key's bytes as sent on the wire). Allocates nothing.</summary>
    ServerEndPoint Locate(ReadOnlySpan<byte> key);

    /// <summary>The index in <see cref="Nodes"/> of the server for <paramref name="key"/>. Allocates nothing.</summary>
    int LocateIndex(ReadOnlySpan<byte> key);

    /// <summary>A new locator of the same scheme and options over <paramref name="nodes"/>; this one is unchanged.</summary>
    INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes);
}
