namespace Hoard.Storage;

/// <summary>How a store treats an existing item (text commands and meta <c>ms</c> modes).</summary>
public enum StoreMode : byte
{
    Set,
    Add,
    Replace,
    Append,
    Prepend,
    /// <summary>Set only when <see cref="StoreRequest.CompareCas"/> matches.</summary>
    Cas,
}

public enum StoreResult : byte
{
    Stored,
    NotStored,
    /// <summary>CAS mismatch.</summary>
    Exists,
    NotFound,
    TooLarge,
    OutOfMemory,
}

/// <summary>Parameters of a store; exptime values follow memcached (0 never, ≤ 30 days relative, else Unix time, negative expired).</summary>
public struct StoreRequest
{
    public StoreMode Mode { get; set; }
    public uint ClientFlags { get; set; }
    public long Exptime { get; set; }
    /// <summary>Compare-and-swap token; used when <see cref="HasCompareCas"/> or the mode is <see cref="StoreMode.Cas"/>.</summary>
    public ulong CompareCas { get; set; }
    public bool HasCompareCas { get; set; }
    /// <summary>Explicit CAS value to give the new item (meta <c>E</c>).</summary>
    public ulong NewCas { get; set; }
    public bool HasNewCas { get; set; }
    /// <summary>Meta <c>I</c>: a CAS older than the item's stores the value but marks it stale instead of failing.</summary>
    public bool Invalidate { get; set; }
    /// <summary>Meta <c>N</c> on append/prepend: create the item when missing, with this exptime.</summary>
    public bool VivifyOnMiss { get; set; }
    public long VivifyExptime { get; set; }
}

/// <summary>What a successful store left behind (for meta return flags).</summary>
public struct StoredItemInfo
{
    public ulong Cas { get; set; }
    public long TtlSeconds { get; set; }
    public int ValueLength { get; set; }
    public uint ClientFlags { get; set; }
}

public enum DeleteResult : byte
{
    Deleted,
    NotFound,
    Exists,
}

public struct DeleteRequest
{
    public ulong CompareCas { get; set; }
    public bool HasCompareCas { get; set; }
    public ulong NewCas { get; set; }
    public bool HasNewCas { get; set; }
    /// <summary>Meta <c>I</c>: mark the item stale (and give it a new CAS) instead of removing it.</summary>
    public bool Invalidate { get; set; }
    /// <summary>With <see cref="Invalidate"/>: the stale item's new exptime (meta <c>T</c>).</summary>
    public bool HasExptime { get; set; }
    public long Exptime { get; set; }
    /// <summary>Meta <c>x</c>: drop the value and client flags but keep the item.</summary>
    public bool RemoveValueOnly { get; set; }
}

public enum ArithmeticResult : byte
{
    Ok,
    NotFound,
    NonNumeric,
    Exists,
    NotStored,
    OutOfMemory,
}

public struct ArithmeticRequest
{
    public bool Decrement { get; set; }
    public ulong Delta { get; set; }
    public ulong CompareCas { get; set; }
    public bool HasCompareCas { get; set; }
    public ulong NewCas { get; set; }
    public bool HasNewCas { get; set; }
    /// <summary>Meta <c>N</c>: create the item with <see cref="InitialValue"/> when missing.</summary>
    public bool VivifyOnMiss { get; set; }
    public long VivifyExptime { get; set; }
    public ulong InitialValue { get; set; }
    /// <summary>Meta <c>T</c>: update the item's exptime.</summary>
    public bool HasExptime { get; set; }
    public long Exptime { get; set; }
}

public struct ArithmeticReply
{
    public ulong Value { get; set; }
    public ulong Cas { get; set; }
    public long TtlSeconds { get; set; }
    /// <summary>The TTL before this request's exptime update (-1 for a created item); meta <c>t</c> placed before <c>T</c>.</summary>
    public long TtlBeforeUpdateSeconds { get; set; }
    /// <summary>The item was missing and created from <see cref="ArithmeticRequest.InitialValue"/>.</summary>
    public bool Created { get; set; }
}

/// <summary>Options of a read (text get/gat, meta mg).</summary>
public struct ReadOptions
{
    /// <summary>Update the item's exptime (gat, meta <c>T</c>).</summary>
    public bool Touch { get; set; }
    public long TouchExptime { get; set; }
    /// <summary>Meta <c>u</c>: leave the LRU position alone.</summary>
    public bool NoLruBump { get; set; }
    /// <summary>Meta <c>N</c>: on a miss, create an empty item with this exptime and hand the caller the win.</summary>
    public bool VivifyOnMiss { get; set; }
    public long VivifyExptime { get; set; }
    /// <summary>Meta <c>R</c>: when the remaining TTL is below this many seconds, one caller wins the recache.</summary>
    public bool HasRecacheThreshold { get; set; }
    public long RecacheThresholdSeconds { get; set; }
    /// <summary>Meta <c>E</c>: the CAS value to give an item created by <see cref="VivifyOnMiss"/>.</summary>
    public bool HasNewCas { get; set; }
    public ulong NewCas { get; set; }
    /// <summary>Counts toward touch statistics (gat/gats) rather than get statistics only.</summary>
    public bool CountAsTouch { get; set; }
}

public enum ReadResult : byte
{
    Miss,
    Hit,
    /// <summary>A miss that created an empty placeholder item; the caller holds the win.</summary>
    Vivified,
}
