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
    private readonly ServerEndPoint[] _nodes;
    private readonly int[] _buckets;

    public ModulaLocator(IEnumerable<ServerEndPoint> nodes)
    {
        _nodes = NodeList.Validate(nodes);
        var buckets = new List<int>();
        for (var i = 0; i < _nodes.Length; i++)
        {
            for (var w = 0; w < _nodes[i].Weight; w++)
                buckets.Add(i);
        }
        _buckets = [.. buckets];
    }

    public IReadOnlyList<ServerEndPoint> Nodes => _nodes;

    public KeyDistribution Distribution => KeyDistribution.Modula;

    /// <summary>Length of the bucket list: the sum of the weights.</summary>
    public int BucketCount => _buckets.Length;

    public ServerEndPoint Locate(ReadOnlySpan<byte> key) => _nodes[LocateIndex(key)];

    public int LocateIndex(ReadOnlySpan<byte> key) =>
        _buckets[(int)(PythonMemcachedHash.Hash(key) % (uint)_buckets.Length)];

    public INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes) => new ModulaLocator(nodes);
}
