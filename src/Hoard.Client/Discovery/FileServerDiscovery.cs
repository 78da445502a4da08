using System.Globalization;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// A file of servers, one <c>host:port[:weight]</c> per line (blank lines and <c>#</c> comments allowed),
/// watched for changes. The directory is watched rather than the file, so a Kubernetes ConfigMap update (the
/// kubelet writes a new timestamped directory and renames the <c>..data</c> symlink over the old one, leaving
/// the file's own symlink untouched) and an editor's write-then-rename are both seen. File watching is not
/// reliable everywhere (network file systems, overflowing event queues), so the file is also re-read every
/// <see cref="PollingServerDiscovery.Interval"/> (default 10 s). A file with a bad line keeps the previous list,
/// and the failure names the line.
/// </summary>
public sealed class FileServerDiscovery : PollingServerDiscovery
{
    /// <summary>Default time between two reads when no change notification comes.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>Largest file read: a server list is small; anything bigger is a mistake.</summary>
    private const int MaxFileBytes = 1024 * 1024;

    private FileSystemWatcher? _watcher;

    /// <param name="path">The server file; it may be missing at start (it is looked for again at every check).</param>
    /// <param name="interval">Time between two reads when no change notification comes (default 10 s).</param>
    public FileServerDiscovery(string path, TimeSpan? interval = null)
        : base(interval ?? DefaultInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The server file, as a full path.</summary>
    public string Path { get; }

    public override string ToString() => $"file discovery of {Path}";

    /// <summary>Writes of one change come as several notifications; they are read once, a moment after the first.</summary>
    protected override TimeSpan WakeDelay => TimeSpan.FromMilliseconds(100);

    /// <summary>Parses the file's text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DiscoveryException">A line is not a server (the message gives its number), or no line is.</exception>
    public static IReadOnlyList<ServerEndPoint> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<ServerEndPoint>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
                line = line[..hash];
            line = line.Trim();
            if (line.Length == 0)
                continue;
            if (!ServerEndPoint.TryParse(line, out var server, out var error))
                throw new DiscoveryException(string.Create(CultureInfo.InvariantCulture, $"{source} line {lineNumber}: {error}"));
            servers.Add(server);
        }
        if (servers.Count == 0)
            throw new DiscoveryException($"{source} lists no servers");
        return servers;
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ServerEndPoint>?> LookupAsync(CancellationToken cancellationToken)
    {
        string text;
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > MaxFileBytes)
                throw new DiscoveryException($"{Path} is larger than {MaxFileBytes} bytes; not a server list");
            using var reader = new StreamReader(stream);
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        return Parse(text, Path);
    }

    /// <inheritdoc />
    protected override void OnStarted()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (directory is null || !Directory.Exists(directory))
            return; // nothing to watch yet; the periodic check finds the file when it appears
        var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite |
                NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        // Any change in the directory may be ours (a renamed symlink, a replaced file): read again, compare.
        watcher.Changed += (_, _) => WakeUp();
        watcher.Created += (_, _) => WakeUp();
        watcher.Deleted += (_, _) => WakeUp();
        watcher.Renamed += (_, _) => WakeUp();
        watcher.Error += (_, _) => WakeUp();
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (IOException exception)
        {
            // e.g. the inotify instance limit is reached: the periodic check still sees every change, later.
            watcher.Dispose();
            ReportFailure(new DiscoveryException($"{this}: cannot watch {directory} ({exception.Message}); checking every {Interval.TotalSeconds:0.###} s only", exception));
            return;
        }
        _watcher = watcher;
    }

    /// <inheritdoc />
    protected override ValueTask OnDisposingAsync()
    {
        _watcher?.Dispose();
        return ValueTask.CompletedTask;
    }
}
