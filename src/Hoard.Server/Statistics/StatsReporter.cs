using System.Diagnostics;
using Hoard.Protocol;
using Hoard.Protocol.Text;

namespace Hoard.Server.Statistics;

/// <summary>Writes the replies of <c>stats</c> and its groups in memcached 1.6's field names and order.</summary>
public sealed class StatsReporter
{
    private readonly ServerContext _context;

    public StatsReporter(ServerContext context) => _context = context;

    /// <summary>Writes the reply for <c>stats [group]</c>; false when the group is unknown (the caller answers <c>ERROR</c>).</summary>
    public bool Write(ReadOnlySpan<byte> arguments, OutputBuffer output)
    {
        var tokens = new KeyTokenizer(arguments);
        tokens.TryNext(out var group);
        if (group.SequenceEqual("reset"u8))
        {
            Reset();
            output.Write(TextReplyWriter.Reset);
            return true;
        }
        if (group.SequenceEqual("detail"u8))
        {
            WriteDetail(ref tokens, output);
            return true;
        }
        if (!TryWriteGroup(group, new TextStatsSink(output)))
            return false;
        output.Write(TextReplyWriter.End);
        return true;
    }

    /// <summary>
    /// Hands every stat of a group (empty: the general stats; <c>settings</c>, <c>items</c>, <c>slabs</c>,
    /// <c>sizes</c>) to <paramref name="sink"/>, which formats them for its protocol. False for any other group.
    /// </summary>
    public bool TryWriteGroup<TSink>(ReadOnlySpan<byte> group, TSink sink)
        where TSink : IStatsSink
    {
        if (group.IsEmpty)
            WriteGeneral(sink);
        else if (group.SequenceEqual("settings"u8))
            WriteSettings(sink);
        else if (group.SequenceEqual("items"u8))
            WriteItems(sink);
        else if (group.SequenceEqual("slabs"u8))
            WriteSlabs(sink);
        else if (group.SequenceEqual("sizes"u8))
            WriteSizes(sink);
        else
            return false;
        return true;
    }

    /// <summary><c>stats reset</c>: counters of the cache, the server and the per-prefix details go to zero.</summary>
    public void Reset()
    {
        _context.Engine.ResetStatistics();
        _context.Statistics.Reset();
        _context.Prefixes.Clear();
    }

    private void WriteDetail(ref KeyTokenizer tokens, OutputBuffer output)
    {
        tokens.TryNext(out var mode);
        if (mode.SequenceEqual("on"u8))
        {
            _context.Prefixes.Enabled = true;
            output.Write("OK\r\n"u8);
        }
        else if (mode.SequenceEqual("off"u8))
        {
            _context.Prefixes.Enabled = false;
            output.Write("OK\r\n"u8);
        }
        else if (mode.SequenceEqual("dump"u8))
        {
            output.WriteAscii(_context.Prefixes.Dump());
        }
        else
        {
            output.Write("CLIENT_ERROR usage: stats detail on|off|dump\r\n"u8);
        }
    }

    private void WriteGeneral<TSink>(TSink o)
        where TSink : IStatsSink
    {
        var cache = _context.Engine.GetStatistics();
        var server = _context.Statistics;
        var process = Process.GetCurrentProcess();
        o.Stat("pid", Environment.ProcessId);
        o.Stat("uptime", (long)_context.Uptime.TotalSeconds);
        o.Stat("time", _context.Engine.UnixTimeSeconds);
        o.Stat("version", _context.VersionText);
        o.Stat("libevent", "none");
        o.Stat("pointer_size", IntPtr.Size * 8);
        o.Stat("rusage_user", Seconds(process.UserProcessorTime));
        o.Stat("rusage_system", Seconds(process.PrivilegedProcessorTime));
        o.Stat("max_connections", _context.Options.MaxConnections);
        o.Stat("curr_connections", server.CurrentConnections);
        o.Stat("total_connections", server.TotalConnections);
        o.Stat("rejected_connections", server.RejectedConnections);
        o.Stat("connection_structures", server.CurrentConnections);
        o.Stat("cmd_get", server.GetKeys);
        o.Stat("cmd_set", cache.SetCommands);
        o.Stat("cmd_flush", cache.FlushCommands);
        o.Stat("cmd_touch", cache.TouchHits + cache.TouchMisses);
        o.Stat("cmd_meta", server.MetaCommands);
        o.Stat("get_hits", cache.GetHits);
        o.Stat("get_misses", cache.GetMisses);
        o.Stat("get_expired", cache.GetExpired);
        o.Stat("get_flushed", cache.GetFlushed);
        o.Stat("delete_misses", cache.DeleteMisses);
        o.Stat("delete_hits", cache.DeleteHits);
        o.Stat("incr_misses", cache.IncrMisses);
        o.Stat("incr_hits", cache.IncrHits);
        o.Stat("decr_misses", cache.DecrMisses);
        o.Stat("decr_hits", cache.DecrHits);
        o.Stat("cas_misses", cache.CasMisses);
        o.Stat("cas_hits", cache.CasHits);
        o.Stat("cas_badval", cache.CasBadValue);
        o.Stat("touch_hits", cache.TouchHits);
        o.Stat("touch_misses", cache.TouchMisses);
        o.Stat("store_too_large", server.StoreTooLarge);
        o.Stat("store_no_memory", server.StoreNoMemory);
        o.Stat("auth_cmds", server.AuthCommands);
        o.Stat("auth_errors", server.AuthErrors);
        o.Stat("idle_kicks", server.IdleKicks);
        o.Stat("bytes_read", server.BytesRead);
        o.Stat("bytes_written", server.BytesWritten);
        o.Stat("limit_maxbytes", cache.LimitMaxBytes);
        o.Stat("accepting_conns", _context.AcceptingConnections() ? 1 : 0);
        o.Stat("threads", _context.Options.Threads);
        o.Stat("conn_yields", server.ConnectionYields);
        o.Stat("hash_power_level", (long)Math.Log2(Math.Max(1, cache.HashBuckets)));
        o.Stat("hash_bytes", cache.HashBuckets * IntPtr.Size);
        o.Stat("hash_is_expanding", 0);
        if (_context.Tls is { } tls)
        {
            // Where memcached 1.6.18 prints them, and only with -Z, as it does.
            o.Stat("ssl_new_sessions", server.TlsNewSessions);
            o.Stat("ssl_handshake_errors", server.TlsHandshakeErrors);
            o.Stat("time_since_server_cert_refresh", (long)tls.SinceLoaded.TotalSeconds);
        }
        o.Stat("bytes", cache.Bytes);
        o.Stat("curr_items", cache.CurrentItems);
        o.Stat("total_items", cache.TotalItems);
        o.Stat("expired_unfetched", cache.ExpiredUnfetched);
        o.Stat("evicted_unfetched", cache.EvictedUnfetched);
        o.Stat("evictions", cache.Evictions);
        o.Stat("reclaimed", cache.Reclaimed);
        o.Stat("crawler_reclaimed", cache.CrawlerReclaimed);
        // Hoard's own, printed only with -U, so a server without UDP prints memcached's fields exactly.
        if (_context.Options.UdpPort != 0 && _context.Options.UnixSocketPath is null)
        {
            o.Stat("udp_requests_dropped", server.UdpRequestsDropped);
            o.Stat("udp_replies_truncated", server.UdpRepliesTruncated);
        }
    }

    private void WriteSettings<TSink>(TSink o)
        where TSink : IStatsSink
    {
        var options = _context.Options;
        o.Stat("maxbytes", _context.Engine.MemoryLimit);
        o.Stat("maxconns", options.MaxConnections);
        o.Stat("tcpport", options.Port);
        o.Stat("udpport", options.UdpPort);
        o.Stat("inter", string.Join(',', options.ListenAddresses));
        o.Stat("verbosity", _context.Verbosity);
        o.Stat("evictions", options.DisableEvictions ? "off" : "on");
        o.Stat("domain_socket", options.UnixSocketPath ?? "NULL");
        o.Stat("umask", Convert.ToString(options.UnixSocketMask, 8));
        o.Stat("growth_factor", "1.25");
        o.Stat("chunk_size", 48);
        o.Stat("num_threads", options.Threads);
        o.Stat("stat_key_prefix", ":");
        o.Stat("detail_enabled", _context.Prefixes.Enabled ? "yes" : "no");
        o.Stat("reqs_per_event", options.RequestsPerEvent);
        o.Stat("cas_enabled", options.DisableCas ? "no" : "yes");
        o.Stat("tcp_backlog", options.Backlog);
        o.Stat("binding_protocol", options.Protocol switch
        {
            ProtocolMode.Ascii => "ascii",
            ProtocolMode.Binary => "binary",
            _ => "auto-negotiate",
        });
        o.Stat("auth_enabled_sasl", options.SaslEnabled ? "yes" : "no");
        o.Stat("auth_enabled_ascii", options.AsciiAuthFile is null ? "no" : "yes");
        o.Stat("item_size_max", options.MaxItemSize);
        o.Stat("maxconns_fast", "yes");
        o.Stat("flush_enabled", options.DisableFlushAll ? "no" : "yes");
        o.Stat("shutdown_command", options.EnableShutdownCommand ? "yes" : "no");
        o.Stat("idle_timeout", (long)options.IdleTimeout.TotalSeconds);
        o.Stat("max_line_length", options.MaxLineLength);
        o.Stat("ssl_enabled", options.TlsEnabled ? "yes" : "no");
        // memcached's spelling of unset paths, and of the settings Hoard does not vary: PEM keys, default ciphers.
        o.Stat("ssl_chain_cert", options.TlsCertificateChainFile ?? "(null)");
        o.Stat("ssl_key", options.TlsKeyFile ?? "(null)");
        o.Stat("ssl_verify_mode", (int)options.TlsVerifyMode);
        o.Stat("ssl_keyformat", 1);
        o.Stat("ssl_ciphers", "NULL");
        o.Stat("ssl_ca_cert", options.TlsCaCertificateFile ?? "NULL");
        o.Stat("ssl_session_cache", "no");
        o.Stat("ssl_kernel_tls", "no");
        o.Stat("ssl_min_version", options.TlsMinimumVersion == TlsMinimumVersion.Tls13 ? "tlsv1.3" : "tlsv1.2");
    }

    private void WriteItems<TSink>(TSink o)
        where TSink : IStatsSink
    {
        var cache = _context.Engine.GetStatistics();
        foreach (var c in cache.SizeClasses)
        {
            o.Stat($"items:{c.Id}:number", c.Items);
            o.Stat($"items:{c.Id}:mem_requested", c.Bytes);
        }
    }

    private void WriteSlabs<TSink>(TSink o)
        where TSink : IStatsSink
    {
        var cache = _context.Engine.GetStatistics();
        foreach (var c in cache.SizeClasses)
        {
            o.Stat($"{c.Id}:chunk_size", c.ChunkSize);
            o.Stat($"{c.Id}:used_chunks", c.Items);
            o.Stat($"{c.Id}:mem_requested", c.Bytes);
        }
        o.Stat("active_slabs", cache.SizeClasses.Count);
        o.Stat("total_malloced", cache.Bytes);
    }

    // memcached disables the sizes histogram by default and answers the same way.
    private static void WriteSizes<TSink>(TSink o)
        where TSink : IStatsSink => o.Stat("sizes_status", "disabled");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F6", System.Globalization.CultureInfo.InvariantCulture);
}
