using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Hardening;

/// <summary>Arguments found by fuzzing (or by reading the code the fuzzer pointed at) that once hurt the server.</summary>
public sealed class HostileArgumentTests
{
    [Theory]
    [InlineData("9223372036854775807", "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n")]
    [InlineData("1000000001", "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n")]
    [InlineData("4294967297", "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n")]
    public async Task Cache_memlimit_with_a_huge_number_is_refused_without_touching_the_limit(string megabytes, string reply)
    {
        // memcached reads the number as 32 bits and refuses more than 10^9 MB; multiplying a 64-bit number by
        // 2^20 overflowed: to a negative limit (an exception that dropped the connection) or to a tiny one.
        var errors = new ErrorLog();
        await using var server = new HoardServer(new ServerOptions { Port = 0 }, errors);
        await server.StartAsync();
        long limit = server.Context.Engine.MemoryLimit;
        using var client = new RawClient(server.TcpEndPoints[0]);
        client.Send($"cache_memlimit {megabytes}\r\n");
        Assert.Equal(reply, client.ReadUntil("\r\n"));
        client.Send("version\r\n");
        Assert.StartsWith("VERSION ", client.ReadUntil("\r\n"), StringComparison.Ordinal);
        Assert.Equal(limit, server.Context.Engine.MemoryLimit);
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task Cache_memlimit_within_range_still_changes_the_limit()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0 });
        await server.StartAsync();
        using var client = new RawClient(server.TcpEndPoints[0]);
        client.Send("cache_memlimit 100\r\n");
        Assert.Equal("OK\r\n", client.ReadUntil("\r\n"));
        Assert.Equal(100L * 1024 * 1024, server.Context.Engine.MemoryLimit);
    }
}
