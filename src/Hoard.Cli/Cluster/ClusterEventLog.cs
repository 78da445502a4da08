using System.Globalization;

namespace Hoard.Cli.Cluster;

/// <summary>
/// What happened to the cluster (a node started, died, was stopped), time-stamped: shown under the live table,
/// or printed as log lines when the output is not a terminal.
/// </summary>
internal sealed class ClusterEventLog
{
    private const int Kept = 50;

    private readonly Queue<string> _recent = new();
    private readonly Queue<string> _unprinted = new();
    private long _count;

    /// <summary>How many events there have been so far: pass it to <see cref="Recent"/> to see only later ones.</summary>
    public long Count
    {
        get
        {
            lock (_recent)
                return _count;
        }
    }

    public void Add(string message)
    {
        var line = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " + message;
        lock (_recent)
        {
            if (_recent.Count == Kept)
                _recent.Dequeue();
            _recent.Enqueue(line);
            _unprinted.Enqueue(line);
            _count++;
        }
    }

    /// <summary>The last <paramref name="count"/> events after the first <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<string> Recent(int count, long after)
    {
        lock (_recent)
        {
            var newer = (int)Math.Min(_recent.Count, _count - after);
            return [.. _recent.Skip(_recent.Count - Math.Min(newer, count))];
        }
    }

    /// <summary>Events not handed out by this method before, oldest first.</summary>
    public IReadOnlyList<string> TakeUnprinted()
    {
        lock (_recent)
        {
            var lines = _unprinted.ToArray();
            _unprinted.Clear();
            return lines;
        }
    }
}
