using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary>
/// Relative and negative TTLs. The expiry classes wait on the server's one-second clock, so they are separate
/// classes that xunit runs in parallel, each test with its own server process.
/// </summary>
public sealed class RelativeExpiryTests
{
    [Fact]
    public void Relative_ttl_keeps_the_item_until_it_expires()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set short 0 3 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "set forever 0 0 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "get short\r\n", "VALUE short 0 1\r\nv\r\nEND\r\n");
        Thread.Sleep(TimeSpan.FromSeconds(4.5));
        AssertExchange(client, "get short\r\n", "END\r\n");
        AssertExchange(client, "get forever\r\n", "VALUE forever 0 1\r\nv\r\nEND\r\n");
    }

    [Fact]
    public void Negative_ttl_makes_the_item_expire_immediately()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set k 0 0 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "set k 0 -1 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "get k\r\n", "END\r\n");
        AssertExchange(client, "set t 0 0 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "touch t -1\r\n", "TOUCHED\r\n");
        AssertExchange(client, "get t\r\n", "END\r\n");
    }
}
