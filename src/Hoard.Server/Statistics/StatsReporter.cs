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
        if (!tokens.TryNext(out var group))
        {
            WriteGeneral(output);
            output.Write(TextReplyWriter.End);
            return true;
        }
        if (group.SequenceEqual("settings"u8))
            WriteSettings(output);
        else if (group.SequenceEqual("items"u8))
            WriteItems(output);
        else if (group.SequenceEqual("slabs"u8))
            WriteSlabs(output);
        else if (group.SequenceEqual("sizes"u8))
            WriteSizes(output);
        else if (group.SequenceEqual("reset"u8))
        {
            _context.Engine.ResetStatistics();
            _context.Statistics.Reset();
            _context.Prefixes.Clear();
            output.Write(TextReplyWriter.Reset);
            return true;
        }
        else if (group.SequenceEqual("detail"u8))
        {
            WriteDetail(ref tokens, output);
            return true;
        }
        else
        {
            return false;
        }
        output.Write(TextReplyWriter.End);
        return true;
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

    private void WriteGeneral(OutputBuffer o)
    {
        var cache = _context.Engine.GetStatistics();
        var server = _context.Statistics;
        var process = Process.GetCurrentProcess();
        TextReplyWriter.WriteStat(o, "pid", Environment.ProcessId);
        TextReplyWriter.WriteStat(o, "uptime", (long)_context.Uptime.TotalSeconds);
        TextReplyWriter.WriteStat(o, "time", _context.Engine.UnixTimeSeconds);
        TextReplyWriter.WriteStat(o, "version", _context.VersionText);
        TextReplyWriter.WriteStat(o, "libevent", "none");
        TextReplyWriter.WriteStat(o, "pointer_size", IntPtr.Size * 8);
        TextReplyWriter.WriteStat(o, "rusage_user", Seconds(process.UserProcessorTime));
        TextReplyWriter.WriteStat(o, "rusage_system", Seconds(process.PrivilegedProcessorTime));
        TextReplyWriter.WriteStat(o, "max_connections", _context.Options.MaxConnections);
        TextReplyWriter.WriteStat(o, "curr_connections", server.CurrentConnections);
        TextReplyWriter.WriteStat(o, "total_connections", server.TotalConnections);
        TextReplyWriter.WriteStat(o, "rejected_connections", server.RejectedConnections);
        TextReplyWriter.WriteStat(o, "connection_structures", server.CurrentConnections);
        TextReplyWriter.WriteStat(o, "cmd_get", server.GetKeys);
        TextReplyWriter.WriteStat(o, "cmd_set", cache.SetCommands);
        TextReplyWriter.WriteStat(o, "cmd_flush", cache.FlushCommands);
        TextReplyWriter.WriteStat(o, "cmd_touch", cache.TouchHits + cache.TouchMisses);
        TextReplyWriter.WriteStat(o, "cmd_meta", server.MetaCommands);
        TextReplyWriter.WriteStat(o, "get_hits", cache.GetHits);
        TextReplyWriter.WriteStat(o, "get_misses", cache.GetMisses);
        TextReplyWriter.WriteStat(o, "get_expired", cache.GetExpired);
        TextReplyWriter.WriteStat(o, "get_flushed", cache.GetFlushed);
        TextReplyWriter.WriteStat(o, "delete_misses", cache.DeleteMisses);
        TextReplyWriter.WriteStat(o, "delete_hits", cache.DeleteHits);
        TextReplyWriter.WriteStat(o, "incr_misses", cache.IncrMisses);
        TextReplyWriter.WriteStat(o, "incr_hits", cache.IncrHits);
        TextReplyWriter.WriteStat(o, "decr_misses", cache.DecrMisses);
        TextReplyWriter.WriteStat(o, "decr_hits", cache.DecrHits);
        TextReplyWriter.WriteStat(o, "cas_misses", cache.CasMisses);
        TextReplyWriter.WriteStat(o, "cas_hits", cache.CasHits);
        TextReplyWriter.WriteStat(o, "cas_badval", cache.CasBadValue);
        TextReplyWriter.WriteStat(o, "touch_hits", cache.TouchHits);
        TextReplyWriter.WriteStat(o, "touch_misses", cache.TouchMisses);
        TextReplyWriter.WriteStat(o, "store_too_large", server.StoreTooLarge);
        TextReplyWriter.WriteStat(o, "store_no_memory", server.StoreNoMemory);
        TextReplyWriter.WriteStat(o, "auth_cmds", server.AuthCommands);
        TextReplyWriter.WriteStat(o, "auth_errors", server.AuthErrors);
        TextReplyWriter.WriteStat(o, "idle_kicks", server.IdleKicks);
        TextReplyWriter.WriteStat(o, "bytes_read", server.BytesRead);
        TextReplyWriter.WriteStat(o, "bytes_written", server.BytesWritten);
        TextReplyWriter.WriteStat(o, "limit_maxbytes", cache.LimitMaxBytes);
        TextReplyWriter.WriteStat(o, "accepting_conns", _context.AcceptingConnections() ? 1 : 0);
        TextReplyWriter.WriteStat(o, "threads", _context.Options.Threads);
        TextReplyWriter.WriteStat(o, "conn_yields", server.ConnectionYields);
        TextReplyWriter.WriteStat(o, "hash_power_level", (long)Math.Log2(Math.Max(1, cache.HashBuckets)));
        TextReplyWriter.WriteStat(o, "hash_bytes", cache.HashBuckets * IntPtr.Size);
        TextReplyWriter.WriteStat(o, "hash_is_expanding", 0);
        TextReplyWriter.WriteStat(o, "bytes", cache.Bytes);
        TextReplyWriter.WriteStat(o, "curr_items", cache.CurrentItems);
        TextReplyWriter.WriteStat(o, "total_items", cache.TotalItems);
        TextReplyWriter.WriteStat(o, "expired_unfetched", cache.ExpiredUnfetched);
        TextReplyWriter.WriteStat(o, "evicted_unfetched", cache.EvictedUnfetched);
        TextReplyWriter.WriteStat(o, "evictions", cache.Evictions);
        TextReplyWriter.WriteStat(o, "reclaimed", cache.Reclaimed);
        TextReplyWriter.WriteStat(o, "crawler_reclaimed", cache.CrawlerReclaimed);
    }

    private void WriteSettings(OutputBuffer o)
    {
        var options = _context.Options;
        TextReplyWriter.WriteStat(o, "maxbytes", _context.Engine.MemoryLimit);
        TextReplyWriter.WriteStat(o, "maxconns", options.MaxConnections);
        TextReplyWriter.WriteStat(o, "tcpport", options.Port);
        TextReplyWriter.WriteStat(o, "udpport", options.UdpPort);
        TextReplyWriter.WriteStat(o, "inter", string.Join(',', options.ListenAddresses));
        TextReplyWriter.WriteStat(o, "verbosity", _context.Verbosity);
        TextReplyWriter.WriteStat(o, "evictions", options.DisableEvictions ? "off" : "on");
        TextReplyWriter.WriteStat(o, "domain_socket", options.UnixSocketPath ?? "NULL");
        TextReplyWriter.WriteStat(o, "umask", Convert.ToString(options.UnixSocketMask, 8));
        TextReplyWriter.WriteStat(o, "growth_factor", "1.25");
        TextReplyWriter.WriteStat(o, "chunk_size", 48);
        TextReplyWriter.WriteStat(o, "num_threads", options.Threads);
        TextReplyWriter.WriteStat(o, "stat_key_prefix", ":");
        TextReplyWriter.WriteStat(o, "detail_enabled", _context.Prefixes.Enabled ? "yes" : "no");
        TextReplyWriter.WriteStat(o, "reqs_per_event", options.RequestsPerEvent);
        TextReplyWriter.WriteStat(o, "cas_enabled", options.DisableCas ? "no" : "yes");
        TextReplyWriter.WriteStat(o, "tcp_backlog", options.Backlog);
        TextReplyWriter.WriteStat(o, "binding_protocol", options.Protocol switch
        {
            ProtocolMode.Ascii => "ascii",
            ProtocolMode.Binary => "binary",
            _ => "auto-negotiate",
        });
        TextReplyWriter.WriteStat(o, "auth_enabled_sasl", options.SaslEnabled ? "yes" : "no");
        TextReplyWriter.WriteStat(o, "auth_enabled_ascii", options.AsciiAuthFile is null ? "no" : "yes");
        TextReplyWriter.WriteStat(o, "item_size_max", options.MaxItemSize);
        TextReplyWriter.WriteStat(o, "maxconns_fast", "yes");
        TextReplyWriter.WriteStat(o, "flush_enabled", options.DisableFlushAll ? "no" : "yes");
        TextReplyWriter.WriteStat(o, "shutdown_command", options.EnableShutdownCommand ? "yes" : "no");
        TextReplyWriter.WriteStat(o, "idle_timeout", (long)options.IdleTimeout.TotalSeconds);
        TextReplyWriter.WriteStat(o, "max_line_length", options.MaxLineLength);
        TextReplyWriter.WriteStat(o, "ssl_enabled", options.TlsEnabled ? "yes" : "no");
    }

    private void WriteItems(OutputBuffer o)
    {
        var cache = _context.Engine.GetStatistics();
        foreach (var c in cache.SizeClasses)
        {
            TextReplyWriter.WriteStat(o, $"items:{c.Id}:number", c.Items);
            TextReplyWriter.WriteStat(o, $"items:{c.Id}:mem_requested", c.Bytes);
        }
    }

    private void WriteSlabs(OutputBuffer o)
    {
        var cache = _context.Engine.GetStatistics();
        foreach (var c in cache.SizeClasses)
        {
            TextReplyWriter.WriteStat(o, $"{c.Id}:chunk_size", c.ChunkSize);
            TextReplyWriter.WriteStat(o, $"{c.Id}:used_chunks", c.Items);
            TextReplyWriter.WriteStat(o, $"{c.Id}:mem_requested", c.Bytes);
        }
        TextReplyWriter.WriteStat(o, "active_slabs", cache.SizeClasses.Count);
        TextReplyWriter.WriteStat(o, "total_malloced", cache.Bytes);
    }

    // memcached disables the sizes histogram by default and answers the same way.
    private static void WriteSizes(OutputBuffer o) => TextReplyWriter.WriteStat(o, "sizes_status", "disabled");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F6", System.Globalization.CultureInfo.InvariantCulture);
}
