namespace Hoard.Server.Statistics;

/// <summary>Server-wide counters that the cache engine does not see (connections, bytes, commands).</summary>
public sealed class ServerStatistics
{
    private long _currentConnections;
    private long _totalConnections;
    private long _rejectedConnections;
    private long _bytesRead;
    private long _bytesWritten;
    private long _getKeys;
    private long _metaCommands;
    private long _storeTooLarge;
    private long _storeNoMemory;
    private long _connectionYields;
    private long _idleKicks;
    private long _authCommands;
    private long _authErrors;
    private long _tlsHandshakeErrors;
    private long _tlsNewSessions;
    private long _udpRequestsDropped;
    private long _udpRepliesTruncated;

    public long CurrentConnections => Volatile.Read(ref _currentConnections);
    public long TotalConnections => Volatile.Read(ref _totalConnections);
    public long RejectedConnections => Volatile.Read(ref _rejectedConnections);
    public long BytesRead => Volatile.Read(ref _bytesRead);
    public long BytesWritten => Volatile.Read(ref _bytesWritten);
    /// <summary>Keys requested by retrievals (memcached's <c>cmd_get</c> counts keys, not commands).</summary>
    public long GetKeys => Volatile.Read(ref _getKeys);
    public long MetaCommands => Volatile.Read(ref _metaCommands);
    public long StoreTooLarge => Volatile.Read(ref _storeTooLarge);
    public long StoreNoMemory => Volatile.Read(ref _storeNoMemory);
    public long ConnectionYields => Volatile.Read(ref _connectionYields);
    public long IdleKicks => Volatile.Read(ref _idleKicks);
    /// <summary>Authentication attempts (memcached's <c>auth_cmds</c>).</summary>
    public long AuthCommands => Volatile.Read(ref _authCommands);
    /// <summary>Failed authentication attempts (<c>auth_errors</c>).</summary>
    public long AuthErrors => Volatile.Read(ref _authErrors);
    /// <summary>TLS handshakes that failed or timed out (memcached's <c>ssl_handshake_errors</c>).</summary>
    public long TlsHandshakeErrors => Volatile.Read(ref _tlsHandshakeErrors);
    /// <summary>
    /// TLS handshakes completed (<c>ssl_new_sessions</c>). Hoard keeps no session cache, so every completed
    /// handshake establishes a new session.
    /// </summary>
    public long TlsNewSessions => Volatile.Read(ref _tlsNewSessions);
    /// <summary>UDP datagrams not served: shorter than a frame header, or one part of a multi-datagram request.</summary>
    public long UdpRequestsDropped => Volatile.Read(ref _udpRequestsDropped);
    /// <summary>UDP replies cut at the reply bound (<c>-o udp_max_reply_bytes</c>), answered with an error instead.</summary>
    public long UdpRepliesTruncated => Volatile.Read(ref _udpRepliesTruncated);

    public long ConnectionOpened()
    {
        Interlocked.Increment(ref _totalConnections);
        return Interlocked.Increment(ref _currentConnections);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _currentConnections);

    public void ConnectionRejected() => Interlocked.Increment(ref _rejectedConnections);

    public void AddBytesRead(long count) => Interlocked.Add(ref _bytesRead, count);

    public void AddBytesWritten(long count) => Interlocked.Add(ref _bytesWritten, count);

    public void AddGet(long keys) => Interlocked.Add(ref _getKeys, keys);

    public void AddMeta() => Interlocked.Increment(ref _metaCommands);

    public void AddStoreTooLarge() => Interlocked.Increment(ref _storeTooLarge);

    public void AddStoreNoMemory() => Interlocked.Increment(ref _storeNoMemory);

    public void AddYield() => Interlocked.Increment(ref _connectionYields);

    public void AddIdleKick() => Interlocked.Increment(ref _idleKicks);

    public void AddAuthAttempt(bool succeeded)
    {
        Interlocked.Increment(ref _authCommands);
        if (!succeeded)
            Interlocked.Increment(ref _authErrors);
    }

    /// <summary><c>stats reset</c>: counters go to zero; gauges (current connections) stay.</summary>
    public void TlsHandshakeCompleted(bool succeeded) =>
        Interlocked.Increment(ref succeeded ? ref _tlsNewSessions : ref _tlsHandshakeErrors);

    public void UdpRequestDropped() => Interlocked.Increment(ref _udpRequestsDropped);

    public void UdpReplyTruncated() => Interlocked.Increment(ref _udpRepliesTruncated);

    public void Reset()
    {
        Interlocked.Exchange(ref _udpRequestsDropped, 0);
        Interlocked.Exchange(ref _udpRepliesTruncated, 0);
        Interlocked.Exchange(ref _tlsHandshakeErrors, 0);
        Interlocked.Exchange(ref _tlsNewSessions, 0);
        Interlocked.Exchange(ref _totalConnections, 0);
        Interlocked.Exchange(ref _rejectedConnections, 0);
        Interlocked.Exchange(ref _bytesRead, 0);
        Interlocked.Exchange(ref _bytesWritten, 0);
        Interlocked.Exchange(ref _getKeys, 0);
        Interlocked.Exchange(ref _metaCommands, 0);
        Interlocked.Exchange(ref _storeTooLarge, 0);
        Interlocked.Exchange(ref _storeNoMemory, 0);
        Interlocked.Exchange(ref _connectionYields, 0);
        Interlocked.Exchange(ref _idleKicks, 0);
        Interlocked.Exchange(ref _authCommands, 0);
        Interlocked.Exchange(ref _authErrors, 0);
    }
}
