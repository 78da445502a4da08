using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>pylibmc (libmemcached) over the text protocol (scripts/pylibmc_ops.py).</summary>
public sealed class PylibmcTests
{
    [Fact]
    public void Pylibmc_text_protocol_basic_commands_work()
    {
        using var server = ServerProcess.Start();
        PythonScript.AssertPasses(server, "pylibmc_ops.py", server.Port);
    }
}
