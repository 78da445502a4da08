using Hoard.Protocol.Binary;
using Hoard.Server.Tests.Network;
using static Hoard.Server.Tests.Binary.BinaryFrames;

namespace Hoard.Server.Tests.Binary;

/// <summary>Which protocol a connection speaks (<c>-B</c>), and SASL authentication on the binary protocol (<c>-S</c>).</summary>
public sealed class BinaryProtocolModeTests
{
    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Binary_only_server_closes_a_text_connection_and_serves_binary(TransportKind transport)
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0, Protocol = ProtocolMode.Binary, Transport = transport });
        using (var text = new RawClient(server.TcpEndPoints[0]))
        {
            text.Send("version\r\n");
            Assert.True(text.WaitForClose(out var trailing));
            Assert.Equal("", trailing);
        }
        using var binary = new BinaryClient(server.TcpEndPoints[0]);
        Assert.Equal(BinaryStatus.Success, binary.Call(Request(BinaryOpcode.Noop)).Status);
    }

    [Fact]
    public async Task Ascii_only_server_parses_binary_bytes_as_text_as_memcached_does()
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0, Protocol = ProtocolMode.Ascii });
        using var client = new RawClient(server.TcpEndPoints[0]);
        client.Send(Request(BinaryOpcode.Version));
        client.Send("\r\nversion\r\n");
        var reply = client.ReadUntil("\r\n");
        while (!reply.Contains("VERSION", StringComparison.Ordinal))
            reply += client.ReadUntil("\r\n");
        Assert.StartsWith("ERROR\r\nVERSION 1.6.18", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_mode_lets_each_connection_choose_by_its_first_byte()
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0 });
        using var text = new RawClient(server.TcpEndPoints[0]);
        using var binary = new BinaryClient(server.TcpEndPoints[0]);
        binary.Call(Set(BinaryOpcode.Set, "k", "v"));
        text.Send("get k\r\n");
        Assert.Equal("VALUE k 0 1\r\nv\r\nEND\r\n", text.ReadUntil("END\r\n"));
        // A binary connection stays binary: text on it loses the framing and closes it.
        binary.Send("get k\r\n"u8.ToArray());
        Assert.Empty(binary.ReadUntilClosed());
    }

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Sasl_plain_with_the_right_password_unlocks_the_connection(TransportKind transport)
    {
        using var passwords = new PasswordFile("alice:s3cret\nbob:hunter2\n");
        await using var server = await StartSaslAsync(passwords, transport);
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        Assert.Equal("PLAIN", client.Call(Request(BinaryOpcode.SaslListMechanisms)).ValueText);
        var auth = client.Call(Request(BinaryOpcode.SaslAuthenticate, "PLAIN", value: "\0bob\0hunter2"u8.ToArray(), opaque: 3));
        Assert.Equal((BinaryStatus.Success, "Authenticated", 3u), (auth.Status, auth.ValueText, auth.Opaque));
        Assert.Equal(BinaryStatus.Success, client.Call(Set(BinaryOpcode.Set, "k", "v")).Status);
        Assert.Equal("v", client.Call(Request(BinaryOpcode.Get, "k")).ValueText);
    }

    [Fact]
    public async Task Sasl_refuses_a_wrong_password_and_keeps_the_connection_locked()
    {
        using var passwords = new PasswordFile("alice:s3cret\n");
        await using var server = await StartSaslAsync(passwords, TransportKind.Sockets);
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        var failed = client.Call(Request(BinaryOpcode.SaslAuthenticate, "PLAIN", value: "\0alice\0wrong"u8.ToArray()));
        Assert.Equal((BinaryStatus.AuthenticationError, "Auth failure."), (failed.Status, failed.ValueText));
        // An authorization identity other than the user is refused too.
        Assert.Equal(BinaryStatus.AuthenticationError, client.Call(Request(BinaryOpcode.SaslAuthenticate, "PLAIN", value: "root\0alice\0s3cret"u8.ToArray())).Status);
        Assert.Equal(BinaryStatus.AuthenticationError, client.Call(Request(BinaryOpcode.SaslAuthenticate, "CRAM-MD5", value: "x"u8.ToArray())).Status);
        client.Send(Request(BinaryOpcode.Get, "k"));
        var replies = client.ReadUntilClosed();
        Assert.Equal(BinaryStatus.AuthenticationError, Assert.Single(replies).Status);
        Assert.Equal(3, server.Context.Statistics.AuthErrors);
    }

    [Fact]
    public async Task Sasl_plain_without_an_initial_response_continues_with_a_step()
    {
        using var passwords = new PasswordFile("alice:s3cret\n");
        await using var server = await StartSaslAsync(passwords, TransportKind.Epoll);
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        var first = client.Call(Request(BinaryOpcode.SaslAuthenticate, "PLAIN"));
        Assert.Equal((BinaryStatus.AuthenticationContinue, ""), (first.Status, first.ValueText));
        var step = client.Call(Request(BinaryOpcode.SaslStep, "PLAIN", value: "alice\0alice\0s3cret"u8.ToArray()));
        Assert.Equal((BinaryStatus.Success, "Authenticated"), (step.Status, step.ValueText));
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Noop)).Status);
        // A new attempt starts over: failing it locks the connection again, as in memcached.
        Assert.Equal(BinaryStatus.AuthenticationError, client.Call(Request(BinaryOpcode.SaslAuthenticate, "PLAIN", value: "\0alice\0bad"u8.ToArray())).Status);
        client.Send(Request(BinaryOpcode.Noop));
        Assert.Equal(BinaryStatus.AuthenticationError, Assert.Single(client.ReadUntilClosed()).Status);
    }

    [Theory]
    [InlineData(BinaryOpcode.Get)]
    [InlineData(BinaryOpcode.Noop)]
    [InlineData(BinaryOpcode.Stat)]
    [InlineData(BinaryOpcode.Flush)]
    [InlineData(BinaryOpcode.Quit)]
    public async Task Without_authentication_only_sasl_and_version_are_served(BinaryOpcode opcode)
    {
        using var passwords = new PasswordFile("alice:s3cret\n");
        await using var server = await StartSaslAsync(passwords, TransportKind.Sockets);
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        Assert.StartsWith("1.6.18", client.Call(Request(BinaryOpcode.Version)).ValueText, StringComparison.Ordinal);
        client.Send(Request(opcode, opcode == BinaryOpcode.Get ? "k" : ""));
        var reply = Assert.Single(client.ReadUntilClosed());
        Assert.Equal((opcode, BinaryStatus.AuthenticationError, "Auth failure."), (reply.Opcode, reply.Status, reply.ValueText));
    }

    [Fact]
    public async Task Sasl_server_closes_text_connections_without_serving_them()
    {
        using var passwords = new PasswordFile("alice:s3cret\n");
        await using var server = await StartSaslAsync(passwords, TransportKind.Epoll);
        using var client = new RawClient(server.TcpEndPoints[0]);
        client.Send("set k 0 0 1\r\nx\r\nget k\r\n");
        Assert.True(client.WaitForClose(out var trailing));
        Assert.Equal("", trailing);
    }

    [Fact]
    public async Task Without_cas_a_cas_in_the_request_is_ignored_as_memcached_ignores_it()
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0, DisableCas = true });
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        var stored = client.Call(Set(BinaryOpcode.Set, "k", "1"));
        Assert.Equal((BinaryStatus.Success, 0ul), (stored.Status, stored.Cas));
        Assert.Equal(BinaryStatus.Success, client.Call(Set(BinaryOpcode.Set, "k", "2", cas: 5)).Status);
        var get = client.Call(Request(BinaryOpcode.Get, "k"));
        Assert.Equal(("2", 0ul), (get.ValueText, get.Cas));
    }

    [Fact]
    public async Task Out_of_memory_under_M_answers_memcacheds_status_and_message()
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0, DisableEvictions = true, MemoryLimitBytes = 8L * 1024 * 1024, MaxItemSize = 1024 * 1024 });
        using var client = new BinaryClient(server.TcpEndPoints[0]);
        var value = new string('x', 500_000);
        BinaryResponse reply;
        int stored = 0;
        while ((reply = client.Call(Set(BinaryOpcode.Set, $"k{stored}", value))).Status == BinaryStatus.Success)
            stored++;
        Assert.Equal((BinaryStatus.OutOfMemory, "Out of memory allocating item"), (reply.Status, reply.ValueText));
        Assert.InRange(stored, 10, 20);
    }

    [Theory]
    [InlineData(TransportKind.Epoll)]
    [InlineData(TransportKind.Sockets)]
    public async Task Binary_client_that_does_not_read_replies_is_stalled_without_affecting_others(TransportKind transport)
    {
        await using var server = await StartAsync(new ServerOptions { Port = 0, Transport = transport, MaxItemSize = 512 * 1024 });
        using var writer = new BinaryClient(server.TcpEndPoints[0]);
        writer.Call(Set(BinaryOpcode.Set, "big", new string('x', 400_000)));
        using var greedy = new BinaryClient(server.TcpEndPoints[0]);
        // 20 MB of replies requested and never read: the server must stop reading this client, not buffer it.
        greedy.Send(Concat([.. Enumerable.Repeat(Request(BinaryOpcode.Get, "big"), 50)]));
        await Task.Delay(300);
        Assert.Equal(BinaryStatus.KeyNotFound, writer.Call(Request(BinaryOpcode.Get, "missing")).Status);
        // Once read, every reply arrives whole and in order.
        var replies = greedy.Read(50);
        Assert.All(replies, r => Assert.Equal(400_000, r.Value.Length));
    }

    private static async Task<HoardServer> StartAsync(ServerOptions options)
    {
        var server = new HoardServer(options);
        await server.StartAsync();
        return server;
    }

    private static Task<HoardServer> StartSaslAsync(PasswordFile passwords, TransportKind transport) =>
        StartAsync(new ServerOptions { Port = 0, SaslEnabled = true, SaslPasswordFile = passwords.Path, Transport = transport });

    private sealed class PasswordFile : IDisposable
    {
        public PasswordFile(string contents)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, contents);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
