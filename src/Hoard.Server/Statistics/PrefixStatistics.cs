using System.Collections.Concurrent;
using System.Text;

namespace Hoard.Server.Statistics;

/// <summary>
/// memcached's <c>stats detail</c>: per key-prefix counts of gets, hits, sets and deletes. Off by default;
/// when on, each counted command costs a dictionary lookup.
/// </summary>
public sealed class PrefixStatistics
{
    /// <summary>memcached's default prefix delimiter (<c>-D</c>).</summary>
    public const byte Delimiter = (byte)':';

    private readonly ConcurrentDictionary<string, Counters> _byPrefix = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counters>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private volatile bool _enabled;

    public PrefixStatistics() => _lookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    public void RecordGet(ReadOnlySpan<byte> key, bool hit)
    {
        var counters = Find(key);
        if (counters == null)
            return;
        Interlocked.Increment(ref counters.Gets);
        if (hit)
            Interlocked.Increment(ref counters.Hits);
    }

    public void RecordSet(ReadOnlySpan<byte> key)
    {
        var counters = Find(key);
        if (counters != null)
            Interlocked.Increment(ref counters.Sets);
    }

    public void RecordDelete(ReadOnlySpan<byte> key)
    {
        var counters = Find(key);
        if (counters != null)
            Interlocked.Increment(ref counters.Deletes);
    }

    /// <summary>The <c>stats detail dump</c> text: <c>PREFIX name get N hit N set N del N</c> lines, then <c>END</c>.</summary>
    public string Dump()
    {
        var text = new StringBuilder();
        foreach (var (prefix, c) in _byPrefix.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("PREFIX ").Append(prefix)
                .Append(" get ").Append(Volatile.Read(ref c.Gets))
                .Append(" hit ").Append(Volatile.Read(ref c.Hits))
                .Append(" set ").Append(Volatile.Read(ref c.Sets))
                .Append(" del ").Append(Volatile.Read(ref c.Deletes))
                .Append("\r\n");
        }
        text.Append("END\r\n");
        return text.ToString();
    }

    public void Clear() => _byPrefix.Clear();

    private Counters? Find(ReadOnlySpan<byte> key)
    {
        if (!_enabled)
            return null;
        // Like memcached, keys without the delimiter are not counted.
        int end = key.IndexOf(Delimiter);
        if (end <= 0)
            return null;
        Span<char> prefix = stackalloc char[end];
        for (int i = 0; i < end; i++)
            prefix[i] = (char)key[i];
        if (_lookup.TryGetValue(prefix, out var found))
            return found;
        return _byPrefix.GetOrAdd(new string(prefix), static _ => new Counters());
    }

    private sealed class Counters
    {
        public long Gets;
        public long Hits;
        public long Sets;
        public long Deletes;
    }
}
