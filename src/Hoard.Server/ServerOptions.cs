namespace Hoard.Server;

/// <summary>Which wire protocols a listener accepts (memcached's <c>-B</c>).</summary>
public enum ProtocolMode
{
    Auto,
    Ascii,
    Binary,
}

/// <summary>How a TLS listener treats client certificates (memcached's <c>ssl_verify_mode</c> 0-2).</summary>
public enum TlsVerifyMode
{
    /// <summary>No client certificate is asked for (0).</summary>
    None,
    /// <summary>A client certificate is asked for and, when sent, must verify (1).</summary>
    Request,
    /// <summary>A verified client certificate is required (2).</summary>
    Require,
}

/// <summary>The lowest TLS version a TLS listener accepts (memcached's <c>ssl_min_version</c>).</summary>
public enum TlsMinimumVersion
{
    /// <summary>TLS 1.2 and 1.3 (<c>tlsv1.2</c>, memcached's default).</summary>
    Tls12,
    /// <summary>TLS 1.3 only (<c>tlsv1.3</c>).</summary>
    Tls13,
}

/// <summary>How connections are served.</summary>
public enum TransportKind
{
    /// <summary>epoll worker threads where available (Linux x86-64), else .NET sockets.</summary>
    Auto,
    /// <summary><c>-t</c> threads, each with its own epoll set, running requests to completion (memcached's model).</summary>
    Epoll,
    /// <summary>.NET's asynchronous sockets, with <c>-t</c> socket-engine threads; portable.</summary>
    Sockets,
}

/// <summary>
/// Settings of <c>hoard server</c>. Defaults are memcached 1.6's, except the listen address, which is
/// loopback: a cache open on every interface is how caches get abused.
/// </summary>
public sealed class ServerOptions
{
    public const int DefaultPort = 11211;

    /// <summary>TCP port (<c>-p</c>); 0 binds a free port.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// UDP port (<c>-U</c>); 0 turns UDP off (the default, see docs/configuration.md) and -1 binds a free port,
    /// as memcached spells it, since 0 is taken by "off".
    /// </summary>
    public int UdpPort { get; set; }

    /// <summary><see cref="UdpMaxReplyBytes"/>'s default: 64 KiB, 48 datagrams.</summary>
    public const int DefaultUdpMaxReplyBytes = 64 * 1024;

    /// <summary>
    /// <c>-o udp_max_reply_bytes</c>: most reply bytes one UDP request datagram may cause; a command whose reply
    /// would pass it is answered with an error. It bounds how far a spoofed request can be amplified
    /// (docs/configuration.md explains the choice).
    /// </summary>
    public int UdpMaxReplyBytes { get; set; } = DefaultUdpMaxReplyBytes;

    /// <summary>Addresses to listen on (<c>-l</c>, comma separated, optionally <c>addr:port</c>).</summary>
    public IList<string> ListenAddresses { get; } = new List<string> { "127.0.0.1" };

    /// <summary>Unix socket path (<c>-s</c>); when set, TCP is not used.</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>Permissions of the unix socket (<c>-a</c>, octal).</summary>
    public int UnixSocketMask { get; set; } = Convert.ToInt32("700", 8);

    /// <summary>Item memory limit in bytes (<c>-m</c> is in megabytes).</summary>
    public long MemoryLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Maximum simultaneous connections (<c>-c</c>).</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Worker threads (<c>-t</c>).</summary>
    public int Threads { get; set; } = 4;

    /// <summary>Largest item (<c>-I</c>).</summary>
    public int MaxItemSize { get; set; } = 1024 * 1024;

    /// <summary><c>-M</c>: answer out-of-memory instead of evicting.</summary>
    public bool DisableEvictions { get; set; }

    /// <summary><c>-C</c>: do not use CAS.</summary>
    public bool DisableCas { get; set; }

    /// <summary><c>-A</c>: allow the <c>shutdown</c> command.</summary>
    public bool EnableShutdownCommand { get; set; }

    /// <summary><c>-F</c>: refuse <c>flush_all</c>.</summary>
    public bool DisableFlushAll { get; set; }

    /// <summary><c>-R</c>: most requests served on one connection before yielding to others.</summary>
    public int RequestsPerEvent { get; set; } = 20;

    /// <summary><c>-b</c>: listen backlog.</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary><c>-B</c>: accepted protocols.</summary>
    public ProtocolMode Protocol { get; set; } = ProtocolMode.Auto;

    /// <summary><c>-v</c> count: 0 quiet, 1 errors/warnings, 2 requests and replies, 3 internal state.</summary>
    public int Verbosity { get; set; }

    /// <summary><c>-o idle_timeout</c>: close connections idle this long (0 = never).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Longest command line, other than multi-key retrievals, before the connection is closed.</summary>
    public int MaxLineLength { get; set; } = 2048;

    /// <summary>
    /// <c>-o lenient_keys</c>: accept control characters in keys as memcached 1.6 does. Off by default, because
    /// protocol.txt forbids them; load tools such as memcaslap generate such keys.
    /// </summary>
    public bool LenientKeys { get; set; }

    /// <summary><c>-o transport=auto|epoll|sockets</c>: how connections are served.</summary>
    public TransportKind Transport { get; set; } = TransportKind.Auto;

    /// <summary><c>-S</c>: the binary protocol's SASL authentication is required before any other command.</summary>
    public bool SaslEnabled { get; set; }

    /// <summary>
    /// <c>-o sasl_pwdb=FILE</c> (or the <c>MEMCACHED_SASL_PWDB</c> environment variable, as memcached reads it):
    /// <c>user:password</c> lines for SASL PLAIN.
    /// </summary>
    public string? SaslPasswordFile { get; set; }

    /// <summary><c>-Y FILE</c>: memcached's ASCII authentication with <c>user:password</c> lines.</summary>
    public string? AsciiAuthFile { get; set; }

    /// <summary><c>-Z</c>: TCP listeners speak TLS (except addresses given as <c>notls:addr[:port]</c>).</summary>
    public bool TlsEnabled { get; set; }

    /// <summary><c>-o ssl_chain_cert</c>: the server certificate chain, PEM.</summary>
    public string? TlsCertificateChainFile { get; set; }

    /// <summary><c>-o ssl_key</c>: the private key, PEM, when not in the chain file.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary><c>-o ssl_ca_cert</c>: PEM certificates of the CAs whose client certificates are accepted.</summary>
    public string? TlsCaCertificateFile { get; set; }

    /// <summary><c>-o ssl_verify_mode</c>: whether client certificates are asked for or required.</summary>
    public TlsVerifyMode TlsVerifyMode { get; set; } = TlsVerifyMode.None;

    /// <summary><c>-o ssl_min_version</c>: the oldest TLS version accepted.</summary>
    public TlsMinimumVersion TlsMinimumVersion { get; set; } = TlsMinimumVersion.Tls12;

    /// <summary>
    /// How long a TLS client may take to complete its handshake before it is disconnected, so a client that
    /// connects and never speaks cannot hold a connection slot forever.
    /// </summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The prefix of a <c>-l</c> address that listens without TLS when <c>-Z</c> is on (memcached's syntax).</summary>
    public const string NoTlsPrefix = "notls:";

    /// <summary>Whether any form of authentication is on.</summary>
    public bool AuthenticationRequired => SaslEnabled || AsciiAuthFile is not null;

    /// <summary>Checks combinations that cannot work; returns the problems, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535) errors.Add($"port {Port} is out of range 0-65535");
        if (UdpPort is < -1 or > 65535) errors.Add($"UDP port {UdpPort} is out of range 0-65535 (or -1 for a free port)");
        // At least one datagram's worth; at most what the 16-bit datagram count of the frame header can number.
        if (UdpMaxReplyBytes is < Network.Udp.UdpFrameHeader.MaxPayloadPerDatagram or > 64 * 1024 * 1024)
            errors.Add($"udp_max_reply_bytes {UdpMaxReplyBytes} is out of range {Network.Udp.UdpFrameHeader.MaxPayloadPerDatagram}-{64 * 1024 * 1024}");
        // As memcached: UDP has no connection to authenticate, so it would bypass the password check.
        if (UdpPort != 0 && AsciiAuthFile is not null)
            errors.Add("UDP (-U) cannot be used with ASCII authentication (-Y): datagrams cannot authenticate; use -U 0");
        if (UdpPort != 0 && SaslEnabled)
            errors.Add("UDP (-U) cannot be used with SASL authentication (-S): datagrams cannot authenticate; use -U 0");
        if (MemoryLimitBytes <= 0) errors.Add("memory limit must be positive");
        if (MaxConnections <= 0) errors.Add("max connections must be positive");
        if (Threads <= 0) errors.Add("number of threads must be greater than 0");
        if (MaxItemSize < 1024) errors.Add("item max size cannot be less than 1024 bytes");
        if (MaxItemSize > 1024 * 1024 * 1024) errors.Add("cannot set item size limit higher than 1 gigabyte");
        if (MaxItemSize > MemoryLimitBytes / 2)
            errors.Add("item max size cannot be larger than half of the memory limit (-m)");
        if (RequestsPerEvent <= 0) errors.Add("number of requests per event must be greater than 0");
        if (Backlog <= 0) errors.Add("backlog must be positive");
        if (SaslEnabled && AsciiAuthFile is not null)
            errors.Add("-S (SASL, binary protocol) and -Y (ASCII authentication) cannot be combined; choose one");
        if (SaslEnabled && Protocol == ProtocolMode.Ascii)
            errors.Add("SASL authentication (-S) needs the binary protocol; it cannot be used with -B ascii");
        if (AsciiAuthFile is not null && Protocol == ProtocolMode.Binary)
            errors.Add("ASCII authentication (-Y) cannot be used with -B binary");
        if (SaslEnabled && SaslPasswordFile is null)
            errors.Add("SASL (-S) needs a password file: -o sasl_pwdb=FILE or the MEMCACHED_SASL_PWDB environment variable");
        if (TlsEnabled && TlsCertificateChainFile is null)
            errors.Add("TLS (-Z) needs a certificate: -o ssl_chain_cert=FILE");
        if (!TlsEnabled && (TlsCertificateChainFile ?? TlsKeyFile ?? TlsCaCertificateFile) is not null)
            errors.Add("ssl_* options need -Z to turn TLS on");
        if (TlsVerifyMode != TlsVerifyMode.None && TlsCaCertificateFile is null)
            errors.Add("ssl_verify_mode needs ssl_ca_cert: the CA file client certificates are checked against");
        if (!TlsEnabled && ListenAddresses.Any(a => a.StartsWith(NoTlsPrefix, StringComparison.Ordinal)))
            errors.Add("the 'notls:' prefix of -l is valid only when TLS is enabled (-Z)");
        if (TlsEnabled && TlsHandshakeTimeout <= TimeSpan.Zero)
            errors.Add("the TLS handshake timeout must be positive");
        return errors;
    }
}
