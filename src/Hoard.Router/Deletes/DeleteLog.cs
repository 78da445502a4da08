using System.Text;
using Hoard.Router.Requests;

namespace Hoard.Router.Deletes;

/// <summary>
/// Deletes that could not be delivered, kept on disk until their server takes them (mcrouter's asynclog): a
/// stale value must not come back when a server returns from an outage. The file is append-only, one line per
/// delete (<c>host:port TAB base64(request)</c>), flushed to disk before the client hears "deleted", and
/// rewritten without the delivered entries after each replay. A router restart reads it back.
/// </summary>
public sealed class DeleteLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private FileStream _file;

    public DeleteLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        if (File.Exists(Path))
            Load();
        _file = OpenForAppend();
    }

    public string Path { get; }

    /// <summary>Lines of the file that could not be read (a torn last line after a crash); skipped, counted.</summary>
    public int SkippedLines { get; private set; }

    public int Depth
    {
        get
        {
            lock (_gate)
                return _entries.Count;
        }
    }

    /// <summary>Logged deletes per server.</summary>
    public IReadOnlyDictionary<string, int> DepthByServer
    {
        get
        {
            lock (_gate)
                return _entries.GroupBy(e => e.Server).ToDictionary(g => g.Key, g => g.Count());
        }
    }

    public void Append(string server, RouterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = new Entry(server, request.Serialize(), request.Framing);
        lock (_gate)
        {
            _entries.Add(entry);
            var line = Encoding.ASCII.GetBytes($"{server}\t{Convert.ToBase64String(entry.Request)}\t{(int)entry.Framing}\n");
            _file.Write(line);
            _file.Flush(flushToDisk: true);
        }
    }

    /// <summary>The deletes waiting for <paramref name="server"/>, oldest first.</summary>
    public IReadOnlyList<Entry> PendingFor(string server)
    {
        lock (_gate)
            return [.. _entries.Where(e => e.Server == server)];
    }

    /// <summary>Removes delivered entries and rewrites the file to hold only the rest (write, then rename).</summary>
    public void Delivered(IReadOnlyCollection<Entry> delivered)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        if (delivered.Count == 0)
            return;
        lock (_gate)
        {
            var done = new HashSet<Entry>(delivered, ReferenceEqualityComparer.Instance);
            _entries.RemoveAll(done.Contains);
            string temporary = Path + ".tmp";
            using (var rewrite = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                foreach (var entry in _entries)
                    rewrite.Write(Encoding.ASCII.GetBytes($"{entry.Server}\t{Convert.ToBase64String(entry.Request)}\t{(int)entry.Framing}\n"));
                rewrite.Flush(flushToDisk: true);
            }
            _file.Dispose();
            File.Move(temporary, Path, overwrite: true);
            _file = OpenForAppend();
        }
    }

    private FileStream OpenForAppend() => new(Path, FileMode.Append, FileAccess.Write, FileShare.Read);

    private void Load()
    {
        foreach (var line in File.ReadLines(Path))
        {
            if (line.Length == 0)
                continue;
            var parts = line.Split('\t');
            try
            {
                if (parts.Length != 3 || parts[0].Length == 0 || !int.TryParse(parts[2], out int framing) || !Enum.IsDefined(typeof(Client.Connections.ReplyFraming), (byte)framing))
                {
                    SkippedLines++;
                    continue;
                }
                _entries.Add(new Entry(parts[0], Convert.FromBase64String(parts[1]), (Client.Connections.ReplyFraming)framing));
            }
            catch (FormatException)
            {
                SkippedLines++;
            }
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>One logged delete: the server it is for and the request bytes to send it.</summary>
    public sealed record Entry(string Server, byte[] Request, Client.Connections.ReplyFraming Framing);
}
