namespace Hoard.Cli.Tests.Cluster;

/// <summary>Tests that run whole clusters of processes: one at a time, so a 2-core machine is not asked for three clusters at once.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}
