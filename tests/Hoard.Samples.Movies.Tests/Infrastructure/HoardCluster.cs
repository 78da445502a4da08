namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>Several <see cref="HoardNode"/>s, as <c>hoard cluster up</c> would start them, on free ports.</summary>
public sealed class HoardCluster : IDisposable
{
    private readonly List<HoardNode> _nodes = [];

    public HoardCluster(int nodes = 3)
    {
        try
        {
            // Started together: each takes a moment to boot, and they do not depend on each other.
            var starting = Enumerable.Range(0, nodes).Select(_ => Task.Run(HoardNode.Start)).ToArray();
            try
            {
                Task.WaitAll(starting);
            }
            finally
            {
                _nodes.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<HoardNode> Nodes => _nodes;

    /// <summary>The server list as the app's <c>Hoard:Servers</c> takes it: <c>127.0.0.1:P1,127.0.0.1:P2,...</c>.</summary>
    public string ServerList => string.Join(",", _nodes.Select(n => n.HostPort));

    public HoardNode Node(string hostPort) => _nodes.Single(n => n.HostPort == hostPort);

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
    }
}
