namespace Hoard.Storage;

/// <summary>
/// The lock of one shard. Critical sections are a hash lookup and a copy of one value, far shorter than a
/// context switch, so a compare-and-swap spin lock costs less than <see cref="Lock"/> (measured: the
/// monitor's exit alone was 4% of a multi-get profile); waiters back off through <see cref="SpinWait"/>,
/// which yields and then sleeps, for the rare long holds (flush_all, the expiry scan).
/// </summary>
internal struct ShardLock
{
    private int _held;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            EnterContended();
    }

    public bool TryEnter() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _held, 0);

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            spinner.SpinOnce();
            if (Volatile.Read(ref _held) == 0 && Interlocked.CompareExchange(ref _held, 1, 0) == 0)
                return;
        }
    }
}

/// <summary>Holds a shard's lock for a <c>using</c> block.</summary>
internal readonly ref struct ShardLockScope
{
    private readonly CacheShard _shard;

    public ShardLockScope(CacheShard shard)
    {
        _shard = shard;
        shard.EnterLock();
    }

    public void Dispose() => _shard.ExitLock();
}
