namespace Hoard.Cli.Cluster;

/// <summary>
/// The last lines a child wrote (stdout and stderr): kept to say why a node died or would not start, and
/// kept off the terminal, where they would tear the live table.
/// </summary>
internal sealed class OutputTail
{
    private readonly int _capacity;
    private readonly Queue<string> _lines = new();

    public OutputTail(int capacity) => _capacity = capacity;

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        lock (_lines)
        {
            if (_lines.Count == _capacity)
                _lines.Dequeue();
            _lines.Enqueue(line.Length > 500 ? line[..500] + "..." : line);
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_lines)
            return [.. _lines];
    }

    /// <summary>The last line, or null when the child wrote nothing.</summary>
    public string? Last()
    {
        lock (_lines)
            return _lines.Count == 0 ? null : _lines.Last();
    }
}
