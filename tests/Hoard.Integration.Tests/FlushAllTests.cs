using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary><c>flush_all</c>, immediate and with a delay.</summary>
public sealed class FlushAllTests
{
    [Fact]
    public void Flush_all_removes_every_item_and_later_sets_work()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        for (var i = 0; i < 50; i++)
            Assert.Equal("STORED", client.Set($"k{i}", "v"));
        AssertExchange(client, "flush_all\r\n", "OK\r\n");
        Assert.Empty(client.GetMany(Enumerable.Range(0, 50).Select(i => $"k{i}")));
        AssertExchange(client, "set k1 0 0 1\r\nw\r\n", "STORED\r\n");
        AssertExchange(client, "get k1\r\n", "VALUE k1 0 1\r\nw\r\nEND\r\n");
        client.Send("flush_all noreply\r\n");
        AssertExchange(client, "get k1\r\n", "END\r\n");
        AssertExchange(client, "flush_all abc\r\n", "CLIENT_ERROR invalid exptime argument\r\n");
    }

    [Fact]
    public void Flush_all_with_a_delay_removes_items_once_the_delay_has_passed()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set k 0 0 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "flush_all 2\r\n", "OK\r\n");
        AssertExchange(client, "get k\r\n", "VALUE k 0 1\r\nv\r\nEND\r\n");
        Thread.Sleep(TimeSpan.FromSeconds(3.5));
        AssertExchange(client, "get k\r\n", "END\r\n");
        AssertExchange(client, "set k 0 0 1\r\nw\r\n", "STORED\r\n");
        AssertExchange(client, "get k\r\n", "VALUE k 0 1\r\nw\r\nEND\r\n");
    }
}
