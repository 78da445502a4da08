namespace Hoard.Client.Discovery;

/// <summary>
/// A discovery lookup that failed or found something unusable (no records, a bad line in a server file, a
/// garbled cluster configuration). Reported through <see cref="PollingServerDiscovery.LookupFailed"/>; the
/// last good server list stays in force.
/// </summary>
public sealed class DiscoveryException : Exception
{
    public DiscoveryException()
    {
    }

    public DiscoveryException(string message)
        : base(message)
    {
    }

    public DiscoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
