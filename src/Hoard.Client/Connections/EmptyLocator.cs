using Hoard.Client.Distribution;

namespace Hoard.Client.Connections;

/// <summary>The locator while discovery has found no server yet: nothing to locate.</summary>
internal sealed class EmptyLocator(KeyDistribution distribution, KetamaFlavor flavor) : INodeLocator
{
    public IReadOnlyList<ServerEndPoint> Nodes => [];

    public KeyDistribution Distribution => distribution;

    public ServerEndPoint Locate(ReadOnlySpan<byte> key) => throw NoServers();

    public int LocateIndex(ReadOnlySpan<byte> key) => throw NoServers();

    public INodeLocator WithNodes(IEnumerable<ServerEndPoint> nodes)
    {
        var list = nodes.ToArray();
        return list.Length == 0 ? this : NodeLocator.Create(distribution, list, flavor);
    }

    private static HoardConnectionException NoServers() => new("no cache servers are known yet: discovery has not found any");
}
