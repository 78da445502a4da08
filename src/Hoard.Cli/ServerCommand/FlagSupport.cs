namespace Hoard.Cli.ServerCommand;

/// <summary>What <c>hoard server</c> does with one of memcached's flags or <c>-o</c> options.</summary>
internal enum FlagSupport
{
    /// <summary>Hoard does what memcached does.</summary>
    Implemented,

    /// <summary>Accepted so memcached command lines keep working; a one-line warning says it has no effect.</summary>
    Ignored,

    /// <summary>
    /// Refused with an error: the flag asks for protection (authentication, TLS) that Hoard would otherwise
    /// silently run without.
    /// </summary>
    Refused,
}
