using System.Globalization;
using System.Text;
using Hoard.Client.Hashing;

namespace Hoard.Client.Distribution;

/// <summary>
/// pymemcache's <c>HashClient</c> default (<c>RendezvousHash</c>, highest random weight): every server
/// scores the key with murmur3_32 (seed 0) of <c>"host:port-key"</c> (the host without IPv6 brackets, as
/// pymemcache names its clients), and the highest score wins; on a tie the server whose name is greater
/// as a string wins. Removing a server moves only its own keys; adding one takes about 1/N from each.
/// Weights are ignored, as pymemcache has none.
/// </summary>
public sealed class RendezvousLocator : INodeLocator
{
    private readonly ServerEndPoint[] _nodes;
    private readonly string[] _names;
    private readonly Murmur3[] _prefixStates; // murmur3 after "host:port-", continued with each key

    public RendezvousLocator(IEnumerable<ServerEndPoint> nodes)
    {
        _nodes = NodeList.Validate(nodes);
        _names = new string[_nodes.Length];
        _prefixStates = new Murmur3[_nodes.Length];
        for (var i = 0; i < _nodes.Length; i++)
        {
            _names[i] = NodeName(_nodes[i]);
            var state = new Murmur3(0);
            state.Append(Encoding.ASCII.GetBytes(_names[i] + "-"));
            _prefixStates[i] = state;
        }
    }

    public IReadOnlyList<ServerEndPoint> Nodes => _nodes;

    public KeyDistribution Distribution => KeyDistribution.Rendezvous;

    public ServerEndPoint Locate(ReadOnlySpan<byte> key) => _nodes[LocateIndex(key)];

    public int LocateIndex(ReadOnlySpan<byte> key)
    {
        var winner = 0;
        var best = Score(0, key);
        for (var i = 1; i < _nodes.Length; i++)
        {
            var score = Score(i, key);
            if (score > best || (score == best && string.CompareOrdinal(_names[i], _names[winner]) > 0))
                (winner, best) = (i, score);
        }
        return winner;
    }

    /// <summary>Server <paramref name="index"/>'s score for <paramref name="key"/>: murmur3_32("name-key").</summary>
    public uint Score(int index, ReadOnlySpan<byte> key)
    {
        var state = _prefixStates[index];
        state.Append(key);
        return state.Finish();
    }

    public INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes) => new RendezvousLocator(nodes);

    /// <summary>pymemcache's client key for a (host, port) server: <c>'%s:%s' % (host, port)</c>.</summary>
    internal static string NodeName(ServerEndPoint node) =>
        string.Create(CultureInfo.InvariantCulture, $"{node.Host}:{node.Port}");
}
