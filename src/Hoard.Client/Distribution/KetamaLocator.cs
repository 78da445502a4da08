using System.Globalization;
using System.Text;
using Hoard.Client.Hashing;

namespace Hoard.Client.Distribution;

/// <summary>
/// Consistent hashing on a ring of points (ketama): every server owns many points; a key belongs to the
/// server owning the first point at or after the key's hash, wrapping past the largest point to the first.
/// Adding or removing a server moves only the keys on the arcs it gains or loses, about 1/N of them.
/// </summary>
public sealed class KetamaLocator : INodeLocator
{
    /// <summary>Points per server at equal weights for the MD5 flavours (libketama's 40 digests of 4 points).</summary>
    public const int PointsPerServer = 160;

    /// <summary>Points per server of libmemcached's plain (unweighted, one-at-a-time) ketama.</summary>
    public const int LibmemcachedPointsPerServer = 100;

    private readonly ServerEndPoint[] _nodes;

    // The ring as two parallel arrays sorted by point: the binary search touches only the points.
    private readonly uint[] _points;
    private readonly int[] _owners;

    public KetamaLocator(IEnumerable<ServerEndPoint> nodes, KetamaFlavor flavor = KetamaFlavor.Libketama)
    {
        if (!Enum.IsDefined(flavor))
            throw new ArgumentOutOfRangeException(nameof(flavor), flavor, "unknown ketama flavour");
        _nodes = NodeList.Validate(nodes);
        Flavor = flavor;
        (_points, _owners) = BuildRing(_nodes, flavor);
    }

    public KetamaFlavor Flavor { get; }

    public IReadOnlyList<ServerEndPoint> Nodes => _nodes;

    public KeyDistribution Distribution => KeyDistribution.Ketama;

    /// <summary>Number of points on the ring (after spymemcached's collision rule, when that applies).</summary>
    public int PointCount => _points.Length;

    /// <summary>The sorted ring points, for tests and diagnostics.</summary>
    internal ReadOnlySpan<uint> Points => _points;

    public ServerEndPoint Locate(ReadOnlySpan<byte> key) => _nodes[LocateIndex(key)];

    public int LocateIndex(ReadOnlySpan<byte> key)
    {
        // libmemcached does not hash at all with one server; the answer is the same either way.
        if (_nodes.Length == 1)
            return 0;
        return _owners[FindPoint(HashKey(key))];
    }

    /// <summary>The key's position on the ring: MD5's first 32 bits, or one-at-a-time for plain libmemcached.</summary>
    public uint HashKey(ReadOnlySpan<byte> key) =>
        Flavor == KetamaFlavor.LibmemcachedKetama ? OneAtATime.Hash(key) : KetamaMd5.Hash(key);

    /// <summary>The ring point a hash lands on, for tests against published vectors.</summary>
    internal uint RingPointFor(uint hash) => _points[FindPoint(hash)];

    /// <summary>The server owning the first point at or after <paramref name="hash"/>, wrapping.</summary>
    public ServerEndPoint LocateHash(uint hash) => _nodes[_owners[FindPoint(hash)]];

    public INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes) => new KetamaLocator(nodes, Flavor);

    /// <summary>
    /// How many points a server gets under libketama's weighting, computed in single precision exactly as
    /// libmemcached, twemproxy and spymemcached do: floor(weight / total × 160 / 4 × servers) × 4. Float
    /// rounding matters: with 25 equal servers this is 156, not 160, in all three, so it must be here too.
    /// </summary>
    public static int WeightedPointCount(int weight, long totalWeight, int serverCount)
    {
        var share = (float)weight / (float)totalWeight;
        var digests = share * PointsPerServer / 4 * (float)serverCount;
        // libmemcached adds 1e-10f (twemproxy and spymemcached add 1e-10 in double and round back to float):
        // both leave any float this size unchanged, so the floor sees the same value.
        return (int)MathF.Floor(digests + 0.0000000001f) * 4;
    }

    private int FindPoint(uint hash)
    {
        // First point >= hash (lower bound); past the end wraps to the first point.
        var points = _points;
        int low = 0, high = points.Length;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (points[middle] < hash)
                low = middle + 1;
            else
                high = middle;
        }
        return low == points.Length ? 0 : low;
    }

    private static (uint[] Points, int[] Owners) BuildRing(ServerEndPoint[] nodes, KetamaFlavor flavor)
    {
        long totalWeight = 0;
        var anyWeighted = false;
        foreach (var node in nodes)
        {
            totalWeight += node.Weight;
            anyWeighted |= node.Weight != 1;
        }

        var ring = new List<(uint Point, int Owner, int Order)>(nodes.Length * PointsPerServer);
        Span<uint> four = stackalloc uint[4];
        var name = new StringBuilder();
        for (var owner = 0; owner < nodes.Length; owner++)
        {
            var node = nodes[owner];
            var prefix = PointNamePrefix(node, flavor);
            if (flavor == KetamaFlavor.LibmemcachedKetama && !anyWeighted)
            {
                for (var i = 0; i < LibmemcachedPointsPerServer; i++)
                    ring.Add((OneAtATime.Hash(PointName(name, prefix, i)), owner, ring.Count));
                continue;
            }

            // libmemcached and twemproxy weigh every server whenever weighting is on (even at weight 1);
            // spymemcached only when it was given weights. Plain libmemcached ketama turns weighting on
            // by itself when a server with weight > 1 is added (while its key hash stays one-at-a-time).
            var count = flavor == KetamaFlavor.Spymemcached && !anyWeighted
                ? PointsPerServer
                : WeightedPointCount(node.Weight, totalWeight, nodes.Length);
            for (var i = 0; i < count / 4; i++)
            {
                KetamaMd5.Points(PointName(name, prefix, i), four);
                foreach (var point in four)
                    ring.Add((point, owner, ring.Count));
            }
        }

        return Arrange(ring, laterWins: flavor == KetamaFlavor.Spymemcached);
    }

    /// <summary>Sorts the ring and settles points that two servers share, by the flavour's rule.</summary>
    internal static (uint[] Points, int[] Owners) Arrange(List<(uint Point, int Owner, int Order)> ring, bool laterWins)
    {
        if (laterWins)
        {
            // spymemcached's ring is a TreeMap<Long, node>: a point put twice keeps the later server.
            ring.Sort(static (a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Order.CompareTo(b.Order));
            var write = 0;
            for (var read = 0; read < ring.Count; read++)
            {
                if (read + 1 < ring.Count && ring[read + 1].Point == ring[read].Point)
                    continue;
                ring[write++] = ring[read];
            }
            ring.RemoveRange(write, ring.Count - write);
        }
        else
        {
            // libmemcached sorts equal points by server index and its search takes the first of them.
            ring.Sort(static (a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Owner.CompareTo(b.Owner));
        }

        if (ring.Count == 0)
            throw new InvalidOperationException("The ketama ring has no points.");
        var points = new uint[ring.Count];
        var owners = new int[ring.Count];
        for (var i = 0; i < ring.Count; i++)
            (points[i], owners[i]) = (ring[i].Point, ring[i].Owner);
        return (points, owners);
    }

    /// <summary>The text before <c>-i</c> in the strings hashed to place a server's points.</summary>
    internal static string PointNamePrefix(ServerEndPoint node, KetamaFlavor flavor) => flavor switch
    {
        // libmemcached writes its hostname (no brackets for IPv6) and leaves out the default port.
        KetamaFlavor.Libketama or KetamaFlavor.LibmemcachedKetama => node.Port == ServerEndPoint.DefaultPort
            ? node.Host
            : string.Create(CultureInfo.InvariantCulture, $"{node.Host}:{node.Port}"),
        KetamaFlavor.Spymemcached => string.Create(CultureInfo.InvariantCulture, $"{node.Host}:{node.Port}"),
        KetamaFlavor.LibmemcachedSpy => string.Create(CultureInfo.InvariantCulture, $"/{node.Host}:{node.Port}"),
        _ => throw new ArgumentOutOfRangeException(nameof(flavor), flavor, "unknown ketama flavour"),
    };

    private static byte[] PointName(StringBuilder builder, string prefix, int index)
    {
        builder.Clear().Append(prefix).Append('-').Append(index.ToString(CultureInfo.InvariantCulture));
        return Encoding.ASCII.GetBytes(builder.ToString());
    }
}
