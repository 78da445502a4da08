using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary><c>-s PATH -a MASK</c> against the real process, with real clients over the socket.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-unix-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Python_clients_talk_over_the_socket_which_has_the_permissions_of_a()
    {
        var path = Path.Combine(_directory, "hoard.sock");
        using (var server = ServerProcess.StartUnix(path, "-a", "700"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path) & (UnixFileMode)0x1ff);
            var result = ExternalTool.Run(ExternalTool.Python, ["-c", $$"""
                from pymemcache.client.base import Client
                import pylibmc, memcache
                pm = Client('{{path}}', default_noreply=False)
                assert pm.set('via', b'pymemcache'), 'pymemcache set'
                lib = pylibmc.Client(['{{path}}'])
                assert lib.get('via') == b'pymemcache', 'pylibmc get'
                lib.set('lib', 'pylibmc')
                mc = memcache.Client(['unix:{{path}}'])
                assert mc.get('lib') == 'pylibmc', 'python-memcached get: %r' % mc.get('lib')
                print('ALL PASSED')
                """], TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0 && result.Stdout.Contains("ALL PASSED", StringComparison.Ordinal), result + "\n" + server.Describe());
        }
        // memcached leaves its socket file behind on SIGKILL; Hoard removes it on a clean stop (tested in process).
    }

    [Fact]
    public void The_mask_is_applied_as_memcached_applies_it()
    {
        var path = Path.Combine(_directory, "open.sock");
        using var server = ServerProcess.StartUnix(path, "-a", "766");
        var mode = File.GetUnixFileMode(path) & (UnixFileMode)0x1ff;
        Assert.Equal(Convert.ToInt32("766", 8), (int)mode);
    }
}
