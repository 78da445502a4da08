namespace Hoard.Cli.ServerCommand;

/// <summary>
/// The names memcached 1.6.18 (Debian's build: TLS and extstore compiled in, proxy not) accepts after
/// <c>-o</c>, checked against the binary. Hoard implements <c>idle_timeout</c> and the TLS settings of
/// <c>-Z</c>; the rest tune memcached's slab allocator, LRU threads, extstore or OpenSSL and are accepted with
/// a warning.
/// </summary>
internal static class ExtendedOptions
{
    public const string IdleTimeout = "idle_timeout";

    /// <summary>Hoard's own: accept control characters in keys as memcached does (protocol.txt forbids them).</summary>
    public const string LenientKeys = "lenient_keys";

    /// <summary>Hoard's own: <c>auto</c>, <c>epoll</c> or <c>sockets</c> (see ServerOptions.Transport).</summary>
    public const string Transport = "transport";

    /// <summary>The SASL password file (memcached reads it from the MEMCACHED_SASL_PWDB environment variable).</summary>
    public const string SaslPasswordFile = "sasl_pwdb";

    /// <summary>Hoard's own: most reply bytes one UDP request may cause (see ServerOptions.UdpMaxReplyBytes).</summary>
    public const string UdpMaxReplyBytes = "udp_max_reply_bytes";

    /// <summary>The server's certificate chain, PEM (the key may follow the certificates in the same file).</summary>
    public const string TlsChainCertificate = "ssl_chain_cert";

    /// <summary>The server's private key, PEM, when it is not in the chain file.</summary>
    public const string TlsKey = "ssl_key";

    /// <summary>PEM file of the CAs that client certificates must chain to.</summary>
    public const string TlsCaCertificate = "ssl_ca_cert";

    /// <summary>0 none, 1 request, 2 require, 3 once (memcached's numbers), or the names.</summary>
    public const string TlsVerifyMode = "ssl_verify_mode";

    /// <summary>tlsv1.2 or tlsv1.3 (or memcached's numbers 2 and 3).</summary>
    public const string TlsMinimumVersion = "ssl_min_version";

    private const string Storage = "Hoard's storage engine has no slab allocator or LRU background threads to tune";
    private const string Hash = "Hoard's hash index sizes itself";
    private const string Extstore = "Hoard has no external storage (extstore)";
    private const string TlsLibrary = "Hoard's TLS is .NET's SslStream, not OpenSSL configured by memcached";
    private const string Logging = "Hoard does not implement watch (live logging)";
    private const string NoEffect = "it has no effect on Hoard";

    public static readonly IReadOnlyList<ExtendedOption> All =
    [
        new(IdleTimeout, true, FlagSupport.Implemented, null),
        new(LenientKeys, false, FlagSupport.Implemented, null),
        new(Transport, true, FlagSupport.Implemented, null),
        new(SaslPasswordFile, true, FlagSupport.Implemented, null),
        new(UdpMaxReplyBytes, true, FlagSupport.Implemented, null),
        new(TlsChainCertificate, true, FlagSupport.Implemented, null),
        new(TlsKey, true, FlagSupport.Implemented, null),
        new(TlsCaCertificate, true, FlagSupport.Implemented, null),
        new(TlsVerifyMode, true, FlagSupport.Implemented, null),
        new(TlsMinimumVersion, true, FlagSupport.Implemented, null),
        Ignored("maxconns_fast", false, "Hoard always closes connections over the limit at once"),
        Ignored("no_maxconns_fast", false, "Hoard always closes connections over the limit at once"),
        Ignored("hashpower", true, Hash),
        Ignored("no_hashexpand", false, Hash),
        Ignored("tail_repair_time", true, Storage),
        Ignored("hash_algorithm", true, Hash),
        Ignored("lru_crawler", false, Storage),
        Ignored("no_lru_crawler", false, Storage),
        Ignored("lru_crawler_sleep", true, Storage),
        Ignored("lru_crawler_tocrawl", true, Storage),
        Ignored("lru_maintainer", false, Storage),
        Ignored("no_lru_maintainer", false, Storage),
        Ignored("hot_lru_pct", true, Storage),
        Ignored("warm_lru_pct", true, Storage),
        Ignored("hot_max_factor", true, Storage),
        Ignored("warm_max_factor", true, Storage),
        Ignored("temporary_ttl", true, Storage),
        Ignored("slab_reassign", false, Storage),
        Ignored("no_slab_reassign", false, Storage),
        Ignored("slab_automove", false, Storage),
        Ignored("no_slab_automove", false, Storage),
        Ignored("slab_automove_ratio", true, Storage),
        Ignored("slab_automove_window", true, Storage),
        Ignored("slab_automove_freeratio", true, Storage),
        Ignored("slab_sizes", false, Storage),
        Ignored("slab_chunk_max", true, Storage),
        Ignored("no_chunked_items", false, Storage),
        Ignored("track_sizes", false, "stats sizes is not implemented"),
        Ignored("read_buf_mem_limit", true, "Hoard bounds each connection's buffers instead"),
        Ignored("resp_obj_mem_limit", false, "memcached itself no longer uses it"),
        Ignored("watcher_logbuf_size", true, Logging),
        Ignored("worker_logbuf_size", true, Logging),
        Ignored("inline_ascii_resp", false, NoEffect),
        Ignored("no_inline_ascii_resp", false, NoEffect),
        Ignored("modern", false, NoEffect),
        Ignored("no_modern", false, NoEffect),
        Ignored("drop_privileges", false, "Hoard does not use seccomp"),
        Ignored("no_drop_privileges", false, "Hoard does not use seccomp"),
        Ignored("sock_cookie_id", false, "sockets are not marked with SO_MARK"),
        Ignored("ext_path", true, Extstore),
        Ignored("ext_page_size", true, Extstore),
        Ignored("ext_wbuf_size", true, Extstore),
        Ignored("ext_threads", true, Extstore),
        Ignored("ext_io_depth", true, Extstore),
        Ignored("ext_item_size", true, Extstore),
        Ignored("ext_item_age", true, Extstore),
        Ignored("ext_low_ttl", true, Extstore),
        Ignored("ext_recache_rate", true, Extstore),
        Ignored("ext_compact_under", true, Extstore),
        Ignored("ext_drop_under", true, Extstore),
        Ignored("ext_max_sleep", true, Extstore),
        Ignored("ext_max_frag", true, Extstore),
        Ignored("ext_drop_unread", false, Extstore),
        Ignored("ssl_keyformat", true, "Hoard reads PEM keys only"),
        Ignored("ssl_ciphers", true, TlsLibrary + "; the platform's default cipher suites are used"),
        Ignored("ssl_wbuf_size", true, TlsLibrary + "; it sizes its own record buffers"),
        Ignored("ssl_session_cache", false, "Hoard keeps no TLS session cache; every client makes a full handshake"),
        Ignored("ssl_kernel_tls", false, "Hoard does not offload TLS to the kernel"),
    ];

    public static ExtendedOption? Find(string name)
    {
        foreach (var option in All)
        {
            if (option.Name == name) return option;
        }

        return null;
    }

    private static ExtendedOption Ignored(string name, bool needsValue, string note) =>
        new(name, needsValue, FlagSupport.Ignored, note);
}
