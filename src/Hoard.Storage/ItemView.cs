namespace Hoard.Storage;

/// <summary>
/// A stored item as seen during a read. It points into cache memory and is valid only inside
/// <see cref="IItemReader.Read"/>: copy what you need there.
/// </summary>
public readonly ref struct ItemView
{
    public ReadOnlySpan<byte> Key { get; init; }
    public ReadOnlySpan<byte> Value { get; init; }
    public uint ClientFlags { get; init; }
    public ulong Cas { get; init; }
    /// <summary>Seconds until expiry; -1 when the item never expires.</summary>
    public long TtlSeconds { get; init; }
    /// <summary>Seconds until expiry before this read's touch (meta <c>t</c> placed before <c>T</c>); -1 when the item never expires.</summary>
    public long TtlBeforeTouchSeconds { get; init; }
    /// <summary>Seconds since the item was last read or written (before this read).</summary>
    public long SecondsSinceLastAccess { get; init; }
    /// <summary>Whether the item had been read before this read.</summary>
    public bool FetchedBefore { get; init; }
    /// <summary>This caller won the right to recompute the value (meta <c>W</c>).</summary>
    public bool Win { get; init; }
    /// <summary>The item was invalidated and is stale (meta <c>X</c>).</summary>
    public bool Stale { get; init; }
    /// <summary>The item did not exist and was just created by <see cref="ReadOptions.VivifyOnMiss"/>.</summary>
    public bool Created { get; init; }
    /// <summary>Another caller already holds the win (meta <c>Z</c>).</summary>
    public bool WinTokenSent { get; init; }
}

/// <summary>Receives an item while the cache holds its partition lock; must be quick and must not call back into the cache.</summary>
public interface IItemReader
{
    void Read(scoped in ItemView item);
}
