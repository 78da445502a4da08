using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>pymemcache's base client: every command it offers, checked by scripts/pymemcache_ops.py.</summary>
public sealed class PymemcacheTests
{
    [Fact]
    public void Pymemcache_client_commands_return_memcached_results()
    {
        using var server = ServerProcess.Start();
        PythonScript.AssertPasses(server, "pymemcache_ops.py", server.Port);
    }
}
