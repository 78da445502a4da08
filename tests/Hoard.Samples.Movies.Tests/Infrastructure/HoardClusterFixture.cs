namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>Three cache nodes shared by a test class whose tests use distinct keys and kill nothing.</summary>
public sealed class HoardClusterFixture : IDisposable
{
    public HoardCluster Cluster { get; } = new(3);

    public void Dispose() => Cluster.Dispose();
}
