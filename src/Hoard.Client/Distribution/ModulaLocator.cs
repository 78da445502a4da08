using Hoard.Client.Hashing;

namespace Hoard.Client.Distribution;

/// <summary>
/// python-memcached's distribution (<c>memcache.Client</c>): the key's <see cref="PythonMemcachedHash"/>
/// modulo a bucket list in which each server appears <see cref="ServerEndPoint.Weight"/> times, in the order
/// given. Simple and even, but changing the list moves almost every key; prefer ketama or rendezvous for a
/// fleet that grows. (python-memcached's retry on a dead server, rehashing <c>str(hash) + str(i)</c>, is
/// failover, not placement, and is not part of this locator.)
/// </summary>
public sealed class ModulaLocator : INodeLocator
{
    // The hash is at most 0x7fff, so only the first 32,768 buckets can ever be chosen: a list with large
    // weights is kept to that prefix, with the modulus taken over its full length as python-memcached does.
    private const int ReachableBuckets = 0x8000;

    private readonly ServerEndPoint[] _nodes;
    private readonly int[] _buckets;
    private readonly uint _bucketCount;

    public ModulaLocator(IEnumerable<ServerEndPoint> nodes)
    {
        _nodes = NodeList.Validate(nodes);
        long total = 0;
        foreach (var node in _nodes)
            total += node.Weight;
        _bucketCount = (uint)total; // at most servers × 1,000,000
        var buckets = new List<int>((int)Math.Min(total, ReachableBuckets));
        for (var i = 0; i < _nodes.Length && buckets.Count < ReachableBuckets; i++)
        {
            for (var w = 0; w < _nodes[i].Weight && buckets.Count < ReachableBuckets; w++)
                buckets.Add(i);
        }
        _buckets = [.. buckets];
    }

    public IReadOnlyList<ServerEndPoint> Nodes => _nodes;

    public KeyDistribution Distribution => KeyDistribution.Modula;

    /// <summary>Length of python-memcached's bucket list: the sum of the weights.</summary>
    public long BucketCount => _bucketCount;

    public ServerEndPoint Locate(ReadOnlySpan<byte> key) => _nodes[LocateIndex(key)];

    public int LocateIndex(ReadOnlySpan<byte> key) =>
        _buckets[(int)(PythonMemcachedHash.Hash(key) % _bucketCount)];

    public INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes) => new ModulaLocator(nodes);
}
