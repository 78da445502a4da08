using System.Runtime.InteropServices;
using Hoard.Client.Discovery;

namespace Hoard.Client.Tests.Discovery;

public sealed partial class FileDiscoveryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-file-discovery-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes then renames, as editors and config tools do, so a reader never sees half a file.</summary>
    private static void Replace(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    [Fact]
    public void Parse_takes_servers_weights_comments_and_blank_lines()
    {
        var servers = FileServerDiscovery.Parse("# the cache fleet\n\ncache1:11211\r\n  cache2:11212:3   # bigger\n[::1]:11213\n", "servers");
        Assert.Equal(["cache1:11211", "cache2:11212", "[::1]:11213"], servers.Select(s => s.ToString()));
        Assert.Equal([1, 3, 1], servers.Select(s => s.Weight));
    }

    [Theory]
    [InlineData("cache1:11211\ncache2:99999\n", "line 2")]
    [InlineData("cache1:11211\n\n# ok\nnot a server\n", "line 4")]
    [InlineData("cache1:11211:0\n", "line 1")]
    [InlineData("# nothing\n\n", "no servers")]
    public void Parse_refuses_a_bad_line_naming_it(string text, string expected)
    {
        var exception = Assert.Throws<DiscoveryException>(() => FileServerDiscovery.Parse(text, "servers.txt"));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("servers.txt", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_discovery_follows_rewrites_and_keeps_the_last_list_on_a_bad_line()
    {
        var path = Path.Combine(_directory, "servers");
        File.WriteAllText(path, "10.0.0.3:11211\n10.0.0.1:11211\n10.0.0.2:11211\n");
        // A long interval: the changes below are seen through the watcher (or, if the machine cannot watch, by
        // the periodic check; the deadline allows one).
        await using var discovery = new FileServerDiscovery(path, TimeSpan.FromSeconds(10));
        var failures = new List<Exception>();
        discovery.LookupFailed += e =>
        {
            lock (failures)
                failures.Add(e);
        };
        await discovery.StartAsync();
        Assert.Equal(["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211"], discovery.Current.Select(s => s.ToString()));

        Replace(path, "10.0.0.1:11211\n10.0.0.2:11211\n10.0.0.3:11211\n10.0.0.4:11211:2\n");
        await Eventually.ServersAsync(discovery, "10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211", "10.0.0.4:11211");
        Assert.Equal(2, discovery.Current[3].Weight);

        Replace(path, "10.0.0.1:11211\n10.0.0.2:11211\nbroken:line:here:oops\n");
        await Eventually.TrueAsync(() => discovery.LastError is not null, "the bad file reported");
        Assert.Contains("line 3", discovery.LastError!.Message, StringComparison.Ordinal);
        Assert.Equal(4, discovery.Current.Count);

        File.WriteAllText(path, "10.0.0.2:11211\n10.0.0.5:11211\n"); // in place this time
        await Eventually.ServersAsync(discovery, "10.0.0.2:11211", "10.0.0.5:11211");
    }

    [Fact]
    public async Task File_discovery_follows_a_kubernetes_configmap_symlink_swap()
    {
        // What the kubelet does: <dir>/servers -> ..data/servers, ..data -> ..<timestamp>; an update writes a new
        // timestamped directory and renames a new ..data link over the old one. The file's own link never changes.
        var first = Path.Combine(_directory, "..2026_11_22_10_00_00.000000001");
        Directory.CreateDirectory(first);
        File.WriteAllText(Path.Combine(first, "servers"), "10.1.0.1:11211\n10.1.0.2:11211\n10.1.0.3:11211\n");
        Directory.CreateSymbolicLink(Path.Combine(_directory, "..data"), Path.GetFileName(first));
        File.CreateSymbolicLink(Path.Combine(_directory, "servers"), "..data/servers");

        await using var discovery = new FileServerDiscovery(Path.Combine(_directory, "servers"), TimeSpan.FromSeconds(10));
        await discovery.StartAsync();
        Assert.Equal(3, discovery.Current.Count);

        var second = Path.Combine(_directory, "..2026_11_22_10_05_00.000000002");
        Directory.CreateDirectory(second);
        File.WriteAllText(Path.Combine(second, "servers"), "10.1.0.1:11211\n10.1.0.4:11211\n");
        var temporaryLink = Path.Combine(_directory, "..data_tmp");
        Directory.CreateSymbolicLink(temporaryLink, Path.GetFileName(second));
        // rename(2) of the link itself (File.Move follows it and refuses a directory): the atomic swap the kubelet does.
        Assert.Equal(0, Rename(temporaryLink, Path.Combine(_directory, "..data")));
        Directory.Delete(first, recursive: true);

        await Eventually.ServersAsync(discovery, "10.1.0.1:11211", "10.1.0.4:11211");
    }

    [Fact]
    public async Task File_discovery_starts_without_the_file_and_picks_it_up_later()
    {
        var path = Path.Combine(_directory, "later");
        await using var discovery = new FileServerDiscovery(path, TimeSpan.FromMilliseconds(200));
        await discovery.StartAsync();
        Assert.Empty(discovery.Current);
        Assert.IsType<FileNotFoundException>(discovery.LastError);

        Replace(path, "cache9:11211\n");
        await Eventually.ServersAsync(discovery, "cache9:11211");

        File.Delete(path); // gone again: keep what we had
        await Eventually.TrueAsync(() => discovery.LastError is FileNotFoundException, "the missing file reported");
        Assert.Single(discovery.Current);
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);
}
