namespace Hoard.Cli;

/// <summary>Process exit codes; the sysexits.h ones are those memcached uses for the same failures.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bad flag, value or combination (memcached exits 1 for its getopt errors too).</summary>
    public const int Usage = 1;

    /// <summary>EX_NOUSER: <c>-u</c> names no such user.</summary>
    public const int NoUser = 67;

    /// <summary>EX_UNAVAILABLE: a server the command needed could not be reached or failed requests.</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: an unexpected failure inside Hoard.</summary>
    public const int Software = 70;

    /// <summary>EX_OSERR: the operating system refused (bind failed, setuid failed).</summary>
    public const int OsError = 71;
}
