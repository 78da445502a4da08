namespace Hoard.Client.Distribution;

/// <summary>How keys are spread over servers (docs/client.md describes each and the clients it agrees with).</summary>
public enum KeyDistribution
{
    /// <summary>Consistent hashing on an MD5 (or one-at-a-time) ring; see <see cref="KetamaFlavor"/>.</summary>
    Ketama,

    /// <summary>python-memcached's CRC-32 hash modulo the weighted server list.</summary>
    Modula,

    /// <summary>pymemcache's rendezvous (highest random weight) hashing with murmur3.</summary>
    Rendezvous,
}
