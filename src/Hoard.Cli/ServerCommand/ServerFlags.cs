using Hoard.Cli.Getopt;

namespace Hoard.Cli.ServerCommand;

/// <summary>
/// Every flag of memcached 1.6.18 (<c>memcached -h</c> and its getopt_long table), in memcached's order.
/// Help text and docs/configuration.md are written from this table.
/// </summary>
internal static class ServerFlags
{
    public static readonly ServerFlag Port = Flag('p', "port", "num", "TCP port to listen on (default: 11211; 0 = any free port)");
    public static readonly ServerFlag UdpPort = Flag('U', "udp-port", "num", "UDP port to listen on (default: 0, off; -1 = any free port)");
    public static readonly ServerFlag UnixSocket = Flag('s', "unix-socket", "file", "UNIX socket to listen on (disables network support)");
    public static readonly ServerFlag UnixMask = Flag('a', "unix-mask", "mask", "access mask for UNIX socket, in octal (default: 700)");
    public static readonly ServerFlag EnableShutdown = Switch('A', "enable-shutdown", "enable ascii \"shutdown\" command");
    public static readonly ServerFlag Listen = Flag('l', "listen", "addr", "interface to listen on, comma separated, may repeat (default: 127.0.0.1)");
    public static readonly ServerFlag Daemon = Switch('d', "daemon", "run as a daemon");
    public static readonly ServerFlag EnableCoredumps = Ignored(Switch('r', "enable-coredumps", "maximize core file limit"),
        "core file limits are the service manager's business for a .NET process (ulimit -c)");
    public static readonly ServerFlag User = Flag('u', "user", "user", "assume identity of <username> (only when run as root)");
    public static readonly ServerFlag MemoryLimit = Flag('m', "memory-limit", "num", "item memory in megabytes (default: 64)");
    public static readonly ServerFlag DisableEvictions = Switch('M', "disable-evictions", "return error on memory exhausted instead of evicting");
    public static readonly ServerFlag ConnLimit = Flag('c', "conn-limit", "num", "max simultaneous connections (default: 1024)");
    public static readonly ServerFlag LockMemory = Ignored(Switch('k', "lock-memory", "lock down all paged memory"),
        "Hoard does not mlock its memory");
    public static readonly ServerFlag Verbose = new(new GetoptOption('v', "verbose", GetoptArgument.Optional), null,
        "verbose (print errors/warnings); -vv also client commands, -vvv internal state", FlagSupport.Implemented);
    public static readonly ServerFlag Help = Switch('h', "help", "print this help and exit");
    public static readonly ServerFlag License = Switch('i', "license", "print license information and exit");
    public static readonly ServerFlag Version = Switch('V', "version", "print version and exit");
    public static readonly ServerFlag PidFile = Flag('P', "pidfile", "file", "save PID in <file>, removed on clean exit");
    public static readonly ServerFlag SlabGrowthFactor = Ignored(Flag('f', "slab-growth-factor", "num", "chunk size growth factor (default: 1.25)"),
        "Hoard's storage has no slab classes");
    public static readonly ServerFlag SlabMinSize = Ignored(Flag('n', "slab-min-size", "bytes", "min space used for key+value+flags (default: 48)"),
        "Hoard's storage has no slab classes");
    public static readonly ServerFlag LargePages = Ignored(Switch('L', "enable-largepages", "try to use large memory pages (if available)"),
        "Hoard does not request large pages");
    public static readonly ServerFlag PrefixDelimiter = Ignored(new ServerFlag(new GetoptOption('D', null, GetoptArgument.Required), "char",
        "use <char> as the delimiter between key prefixes and IDs for per-prefix stats", FlagSupport.Implemented),
        "per-prefix stats (stats detail) are not implemented");
    public static readonly ServerFlag Threads = Flag('t', "threads", "num", "number of threads to use (default: 4)");
    public static readonly ServerFlag MaxReqsPerEvent = Flag('R', "max-reqs-per-event", "num",
        "maximum number of requests per event, limits the requests processed per connection to prevent starvation (default: 20)");
    public static readonly ServerFlag DisableCas = Switch('C', "disable-cas", "disable use of CAS");
    public static readonly ServerFlag ListenBacklog = Flag('b', "listen-backlog", "num", "set the backlog queue limit (default: 1024)");
    public static readonly ServerFlag Protocol = Flag('B', "protocol", "name", "protocol - one of ascii, binary, or auto (default: auto-negotiate)");
    public static readonly ServerFlag MaxItemSize = Flag('I', "max-item-size", "num", "adjusts max item size, k/m suffixes allowed (default: 1m, min: 1k, max: 1024m)");
    public static readonly ServerFlag EnableSasl = Switch('S', "enable-sasl", "turn on Sasl authentication (binary protocol; users from -o sasl_pwdb or MEMCACHED_SASL_PWDB)");
    public static readonly ServerFlag DisableFlushAll = Switch('F', "disable-flush-all", "disable flush_all command");
    public static readonly ServerFlag DisableDumping = Ignored(Switch('X', "disable-dumping", "disable stats cachedump and lru_crawler metadump"),
        "nothing to disable: Hoard does not implement stats cachedump or lru_crawler metadump");
    public static readonly ServerFlag DisableWatch = Ignored(Switch('W', "disable-watch", "disable watch commands (live logging)"),
        "nothing to disable: Hoard does not implement watch");
    public static readonly ServerFlag AuthFile = Flag('Y', "auth-file", "file", "enable ASCII protocol authentication (user:pass lines; SIGHUP reloads)");
    public static readonly ServerFlag MemoryFile = Ignored(Flag('e', "memory-file", "file", "mmap a file for item memory (restartable cache)"),
        "Hoard keeps items in process memory; restartable caches are not implemented");
    public static readonly ServerFlag EnableSsl = Switch('Z', "enable-ssl",
        "enable TLS/SSL on TCP listeners (-o ssl_chain_cert=,ssl_key=...); -l notls:<addr>:<port> stays plain");
    public static readonly ServerFlag Extended = Flag('o', "extended", "opts", "comma separated list of extended options (see below)");
    public static readonly ServerFlag NapiIds = Ignored(Flag('N', "napi-ids", "num", "number of napi ids"),
        "Hoard assigns connections to workers round-robin");

    /// <summary>All flags, in the order memcached's help lists them.</summary>
    public static readonly IReadOnlyList<ServerFlag> All =
    [
        Port, UdpPort, UnixSocket, UnixMask, EnableShutdown, Listen, Daemon, EnableCoredumps, User, MemoryLimit,
        DisableEvictions, ConnLimit, LockMemory, Verbose, Help, License, Version, PidFile, SlabGrowthFactor,
        SlabMinSize, LargePages, PrefixDelimiter, Threads, MaxReqsPerEvent, DisableCas, ListenBacklog, Protocol,
        MaxItemSize, EnableSasl, DisableFlushAll, DisableDumping, DisableWatch, AuthFile, MemoryFile, EnableSsl,
        Extended, NapiIds,
    ];

    public static readonly IReadOnlyList<GetoptOption> Options = All.Select(f => f.Option).ToArray();

    public static ServerFlag ForOption(GetoptOption option) =>
        All.First(f => ReferenceEquals(f.Option, option));

    private static ServerFlag Flag(char letter, string name, string valueName, string description) =>
        new(new GetoptOption(letter, name, GetoptArgument.Required), valueName, description, FlagSupport.Implemented);

    private static ServerFlag Switch(char letter, string name, string description) =>
        new(new GetoptOption(letter, name, GetoptArgument.None), null, description, FlagSupport.Implemented);

    private static ServerFlag Ignored(ServerFlag flag, string note) => flag with { Support = FlagSupport.Ignored, Note = note };

    private static ServerFlag Refused(ServerFlag flag, string note) => flag with { Support = FlagSupport.Refused, Note = note };
}
