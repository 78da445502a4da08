using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Integration;

/// <summary>Keys with control characters: refused as protocol.txt says, unless --lenient-keys (memcached accepts them).</summary>
public sealed class RouterKeyTests
{
    [Fact]
    public async Task Control_characters_in_keys_are_refused_unless_lenient()
    {
        await using var server = Memcached.Start();
        string config = $$"""{ "pools": { "A": { "servers": ["{{server.Address}}"] } }, "route": "PoolRoute|A" }""";
        await using (var strict = await RouterHarness.StartAsync(config))
        {
            using var client = strict.Connect();
            Assert.Equal("CLIENT_ERROR bad command line format", client.Call("set a\u0010b 0 0 1\r\nx"));
            // As memcached: the refused line's data block is then read as a command of its own.
            Assert.Equal("ERROR", client.ReadLine());
            Assert.Equal("CLIENT_ERROR bad command line format", client.Call("get a\u0010b"));
            Assert.Equal("STORED", client.Call("set ok 0 0 1\r\nx"));
        }
        await using var lenient = await RouterHarness.StartAsync(config, o => new RouterOptions
        {
            ConfigPath = o.ConfigPath, Port = 0, ListenAddresses = o.ListenAddresses, LenientKeys = true,
        });
        using var other = lenient.Connect();
        Assert.Equal("STORED", other.Call("set a\u0010b 0 0 1\r\nx"));
        Assert.Equal("x", other.Get("a\u0010b"));
    }
}
