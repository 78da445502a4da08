namespace Hoard.Client.Distribution;

/// <summary>
/// The ketama variants in use. They share the ring and the lookup (the first point at or after the key's
/// hash, wrapping to the first point) and differ in how servers are named, how many points each gets, and
/// which hash places points and keys. docs/client.md has the exact strings.
/// </summary>
public enum KetamaFlavor
{
    /// <summary>
    /// libmemcached's <c>MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED</c> (pylibmc <c>ketama_weighted</c>), PHP memcached's
    /// <c>OPT_LIBKETAMA_COMPATIBLE</c>, twemproxy's <c>hash: md5</c> + <c>distribution: ketama</c>: a server is
    /// named <c>host</c> on port 11211 and <c>host:port</c> otherwise; MD5 of <c>name-i</c> gives four points;
    /// 160 points per server at equal weights, scaled by weight; MD5 key hash.
    /// </summary>
    Libketama,

    /// <summary>
    /// libmemcached's plain <c>MEMCACHED_BEHAVIOR_KETAMA</c> with its default hash (pylibmc <c>ketama</c>): the
    /// same names, but 100 points per server, each the one-at-a-time hash of <c>name-i</c>, and a one-at-a-time
    /// key hash. A server with weight above 1 makes libmemcached switch the ring to libketama's weighted MD5
    /// points (the key hash stays one-at-a-time), as it does when servers are added after the behaviour
    /// (pylibmc's order); this flavour does the same.
    /// </summary>
    LibmemcachedKetama,

    /// <summary>
    /// spymemcached's <c>KetamaNodeLocator</c> with <c>KETAMA_HASH</c> and its default node names: a server is
    /// named <c>host:port</c> always (Java's socket address text without the leading '/'); MD5, 160 points,
    /// weights scaled as libketama does when any weight is not 1; when two points collide the later server wins.
    /// </summary>
    Spymemcached,

    /// <summary>
    /// libmemcached's <c>MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA_SPY</c> together with <c>KETAMA_WEIGHTED</c>:
    /// a server is named <c>/host:port</c> (Java's socket address text as older spymemcached hashed it);
    /// otherwise as <see cref="Libketama"/>.
    /// </summary>
    LibmemcachedSpy,
}
