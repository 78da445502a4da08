using System.Net;
using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Security;

/// <summary>memcached's <c>-Y</c> ASCII authentication, in process, on both transports.</summary>
public abstract class AsciiAuthenticationTests : IAsyncLifetime
{
    private readonly string _passwordFile = Path.GetTempFileName();
    private HoardServer _server = null!;

    protected abstract TransportKind Transport { get; }

    private EndPoint EndPoint => _server.TcpEndPoints[0];

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_passwordFile, "alice:secret\nbob:hunter2\n");
        var options = new ServerOptions { Port = 0, Threads = 1, Transport = Transport, AsciiAuthFile = _passwordFile };
        _server = new HoardServer(options);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_passwordFile);
    }

    [Fact]
    public void Every_command_is_refused_until_authenticated_and_the_connection_stays_open()
    {
        using var client = new RawClient(EndPoint);
        client.Send("get k\r\nmg k v\r\nversion\r\nstats\r\nadd k 0 0 12\r\nalice secret\r\n");
        Assert.Equal(string.Concat(Enumerable.Repeat("CLIENT_ERROR unauthenticated\r\n", 5)),
            client.ReadUntil("unauthenticated\r\nCLIENT_ERROR unauthenticated\r\nCLIENT_ERROR unauthenticated\r\nCLIENT_ERROR unauthenticated\r\nCLIENT_ERROR unauthenticated\r\n"));
    }

    [Fact]
    public void Wrong_credentials_fail_and_right_ones_open_the_connection()
    {
        using var client = new RawClient(EndPoint);
        client.Send("set x 0 0 12\r\nalice wrong!\r\nget k\r\nset x 0 0 5\r\nalice\r\nset x 0 0 12\r\nalice secret\r\nset k 0 0 1\r\nv\r\nget k x\r\n");
        Assert.Equal(
            "CLIENT_ERROR authentication failure\r\nCLIENT_ERROR unauthenticated\r\nCLIENT_ERROR bad authentication token format\r\n" +
            "STORED\r\nSTORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n",
            client.ReadUntil("END\r\n"));
        // The credentials are not stored as an item.
        var stats = _server.Context.Statistics;
        Assert.Equal(2, stats.AuthCommands);
        Assert.Equal(1, stats.AuthErrors);
    }

    [Fact]
    public void Each_connection_authenticates_on_its_own()
    {
        using var first = new RawClient(EndPoint);
        first.Send("set x 0 0 11\r\nbob hunter2\r\nmn\r\n");
        Assert.Equal("STORED\r\nMN\r\n", first.ReadUntil("MN\r\n"));
        using var second = new RawClient(EndPoint);
        second.Send("version\r\n");
        Assert.Equal("CLIENT_ERROR unauthenticated\r\n", second.ReadUntil("\r\n"));
    }

    [Fact]
    public async Task Reloading_the_file_rotates_credentials_and_a_broken_file_keeps_the_old_users()
    {
        await File.WriteAllTextAsync(_passwordFile, "carol:new-one\n");
        Assert.Null(_server.ReloadCredentials());
        using (var client = new RawClient(EndPoint))
        {
            client.Send("set x 0 0 12\r\nalice secret\r\nset x 0 0 13\r\ncarol new-one\r\n");
            Assert.Equal("CLIENT_ERROR authentication failure\r\nSTORED\r\n", client.ReadUntil("STORED\r\n"));
        }

        await File.WriteAllTextAsync(_passwordFile, "no colon here\n");
        Assert.Contains("expected user:password", _server.ReloadCredentials(), StringComparison.Ordinal);
        using (var client = new RawClient(EndPoint))
        {
            client.Send("set x 0 0 13\r\ncarol new-one\r\n");
            Assert.Equal("STORED\r\n", client.ReadUntil("\r\n"));
        }
    }
}

public sealed class EpollAsciiAuthenticationTests : AsciiAuthenticationTests
{
    protected override TransportKind Transport => TransportKind.Epoll;
}

public sealed class SocketsAsciiAuthenticationTests : AsciiAuthenticationTests
{
    protected override TransportKind Transport => TransportKind.Sockets;
}
