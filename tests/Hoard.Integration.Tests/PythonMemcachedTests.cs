using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>python-memcached, <c>import memcache</c> (scripts/python_memcached_ops.py).</summary>
public sealed class PythonMemcachedTests
{
    [Fact]
    public void Python_memcached_basic_commands_work()
    {
        using var server = ServerProcess.Start();
        PythonScript.AssertPasses(server, "python_memcached_ops.py", server.Port);
    }
}
