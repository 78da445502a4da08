namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Which server implementation the suite runs against.</summary>
public enum ServerFlavor
{
    /// <summary>The hoard apphost (<c>hoard server ...</c>); the default.</summary>
    Hoard,

    /// <summary>memcached 1.6 from Debian, used to check that the tests themselves are right.</summary>
    Memcached,
}
