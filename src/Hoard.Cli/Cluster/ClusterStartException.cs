namespace Hoard.Cli.Cluster;

/// <summary>A child of the cluster could not be brought up; the message names it and says why.</summary>
internal sealed class ClusterStartException : Exception
{
    public ClusterStartException()
    {
    }

    public ClusterStartException(string message) : base(message)
    {
    }

    public ClusterStartException(string message, Exception inner) : base(message, inner)
    {
    }

    public ClusterStartException(ClusterMember member, string reason) : base($"{member?.Describe()} {reason}")
    {
        Member = member;
    }

    public ClusterMember? Member { get; }
}
