using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using Hoard.Server.Tests.Network;

namespace Hoard.Server.Tests.Tls;

/// <summary>
/// TLS listeners (<c>-Z</c>) in process, with SslStream clients: serving over TLS, plain listeners beside
/// them, client certificates, refresh_certs and the handshake time limit. TLS connections always run on .NET
/// sockets; the epoll runs check that plain connections still go to the epoll workers beside them.
/// </summary>
public sealed class TlsServerTests : IClassFixture<TlsServerTests.Certificates>, IAsyncDisposable
{
    private readonly TestCertificates _pki;
    private readonly List<HoardServer> _servers = [];

    public TlsServerTests(Certificates certificates) => _pki = certificates.Pki;

    /// <summary>One PKI for all tests of the class: making keys is the slow part.</summary>
    public sealed class Certificates : IDisposable
    {
        public TestCertificates Pki { get; } = new();

        public void Dispose() => Pki.Dispose();
    }

    public static TheoryData<TransportKind> Transports => [TransportKind.Sockets, TransportKind.Epoll];

    private ServerOptions TlsOptions(TransportKind transport = TransportKind.Sockets)
    {
        var options = new ServerOptions
        {
            Port = 0,
            Threads = 2,
            MaxItemSize = 64 * 1024,
            Transport = transport,
            TlsEnabled = true,
            TlsCertificateChainFile = _pki.ChainFile,
            TlsKeyFile = _pki.KeyFile,
        };
        options.ListenAddresses.Clear();
        options.ListenAddresses.Add("127.0.0.1");
        options.ListenAddresses.Add("notls:127.0.0.1:0");
        return options;
    }

    private async Task<HoardServer> StartAsync(ServerOptions options)
    {
        if (options.Transport == TransportKind.Epoll && !Hoard.Server.Network.Epoll.LinuxNative.IsSupported)
            options.Transport = TransportKind.Sockets;
        var server = new HoardServer(options);
        _servers.Add(server);
        await server.StartAsync();
        return server;
    }

    private static EndPoint TlsEndPoint(HoardServer server) => Assert.Single(server.TlsEndPoints);

    private static EndPoint PlainEndPoint(HoardServer server) => Assert.Single(server.TcpEndPoints.Except(server.TlsEndPoints));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
            await server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Set_then_get_over_tls_returns_the_value(TransportKind transport)
    {
        var server = await StartAsync(TlsOptions(transport));
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal(_pki.ServerSerial, client.ServerCertificate.SerialNumber);
        Assert.Equal("STORED\r\n", await client.CommandAsync("set k 5 0 5\r\nhello\r\n", "\r\n"));
        Assert.Equal("VALUE k 5 5\r\nhello\r\nEND\r\n", await client.CommandAsync("get k\r\n", "END\r\n"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Notls_listener_beside_the_tls_one_serves_plain_text_and_shares_the_cache(TransportKind transport)
    {
        var server = await StartAsync(TlsOptions(transport));
        using var secure = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal("STORED\r\n", await secure.CommandAsync("set shared 0 0 2\r\nok\r\n", "\r\n"));

        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send("get shared\r\n");
        Assert.Equal("VALUE shared 0 2\r\nok\r\nEND\r\n", plain.ReadUntil("END\r\n"));
    }

    [Fact]
    public async Task Large_values_cross_tls_records_intact()
    {
        var server = await StartAsync(TlsOptions());
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
        var value = new string('x', 60_000);
        var keys = Enumerable.Range(0, 8).Select(i => "big" + i).ToArray();
        foreach (var key in keys)
            Assert.Equal("STORED\r\n", await client.CommandAsync($"set {key} 0 0 {value.Length}\r\n{value}\r\n", "\r\n"));
        var reply = await client.CommandAsync("get " + string.Join(' ', keys) + "\r\n", "END\r\n");
        Assert.Equal(string.Concat(keys.Select(k => $"VALUE {k} 0 {value.Length}\r\n{value}\r\n")) + "END\r\n", reply);
    }

    [Fact]
    public async Task Plain_text_client_on_the_tls_port_gets_nothing_served()
    {
        var server = await StartAsync(TlsOptions());
        using var client = new RawClient(TlsEndPoint(server));
        client.Send("set k 0 0 1\r\nx\r\nversion\r\n");
        Assert.True(client.WaitForClose(out var trailing));
        Assert.DoesNotContain("STORED", trailing, StringComparison.Ordinal);
        Assert.DoesNotContain("VERSION", trailing, StringComparison.Ordinal);

        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send("get k\r\n");
        Assert.Equal("END\r\n", plain.ReadUntil("END\r\n"));
        plain.Send("stats\r\n");
        var stats = plain.ReadUntil("END\r\n");
        Assert.Contains("STAT ssl_handshake_errors 1\r\n", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_show_memcacheds_tls_counters_and_settings()
    {
        var server = await StartAsync(TlsOptions());
        using (var client = await TlsClient.ConnectAsync(TlsEndPoint(server)))
            Assert.StartsWith("VERSION ", await client.CommandAsync("version\r\n", "\r\n"), StringComparison.Ordinal);

        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send("stats\r\n");
        var stats = plain.ReadUntil("END\r\n");
        Assert.Contains("STAT ssl_new_sessions 1\r\nSTAT ssl_handshake_errors 0\r\nSTAT time_since_server_cert_refresh ", stats, StringComparison.Ordinal);
        plain.Send("stats settings\r\n");
        var settings = plain.ReadUntil("END\r\n");
        Assert.Contains("STAT ssl_enabled yes\r\n", settings, StringComparison.Ordinal);
        Assert.Contains($"STAT ssl_chain_cert {_pki.ChainFile}\r\nSTAT ssl_key {_pki.KeyFile}\r\nSTAT ssl_verify_mode 0\r\n", settings, StringComparison.Ordinal);
        Assert.Contains("STAT ssl_min_version tlsv1.2\r\n", settings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_tls_stats_has_no_tls_counters_and_refresh_certs_says_tls_is_off()
    {
        var options = new ServerOptions { Port = 0, Threads = 1, Transport = TransportKind.Sockets };
        var server = await StartAsync(options);
        using var plain = new RawClient(server.TcpEndPoints[0]);
        plain.Send("stats\r\n");
        Assert.DoesNotContain("ssl_", plain.ReadUntil("END\r\n"), StringComparison.Ordinal);
        plain.Send("refresh_certs\r\n");
        Assert.Equal("Error TLS not enabled\r\n", plain.ReadUntil("\r\n"));
    }

    [Fact]
    public async Task Required_client_certificate_missing_fails_the_handshake_and_nothing_is_served()
    {
        var options = TlsOptions();
        options.TlsVerifyMode = TlsVerifyMode.Require;
        options.TlsCaCertificateFile = _pki.CaFile;
        var server = await StartAsync(options);

        // With TLS 1.3 the client finishes its side before the server has judged its certificate; the refusal
        // then arrives as an alert on the first read.
        string served;
        try
        {
            using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
            served = await client.SendAndReadToEndAsync("set k 0 0 1\r\nx\r\nversion\r\n");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            served = "";
        }
        Assert.Equal("", served);
        AssertNotStored(server, "k");
    }

    [Fact]
    public async Task Client_certificate_from_another_ca_fails_the_handshake()
    {
        var options = TlsOptions();
        options.TlsVerifyMode = TlsVerifyMode.Request;
        options.TlsCaCertificateFile = _pki.CaFile;
        var server = await StartAsync(options);
        string served;
        try
        {
            using var client = await TlsClient.ConnectAsync(TlsEndPoint(server), _pki.StrangerClientCertificate);
            served = await client.SendAndReadToEndAsync("set k 0 0 1\r\nx\r\nversion\r\n");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            served = "";
        }
        Assert.Equal("", served);
        AssertNotStored(server, "k");
    }

    [Theory]
    [InlineData(TlsVerifyMode.Require)]
    [InlineData(TlsVerifyMode.Request)]
    public async Task Client_certificate_from_the_ca_is_accepted(TlsVerifyMode mode)
    {
        var options = TlsOptions();
        options.TlsVerifyMode = mode;
        options.TlsCaCertificateFile = _pki.CaFile;
        var server = await StartAsync(options);
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server), _pki.ClientCertificate);
        Assert.Equal("STORED\r\n", await client.CommandAsync("set k 0 0 1\r\nx\r\n", "\r\n"));
    }

    [Fact]
    public async Task Requested_client_certificate_may_be_left_out()
    {
        var options = TlsOptions();
        options.TlsVerifyMode = TlsVerifyMode.Request;
        options.TlsCaCertificateFile = _pki.CaFile;
        var server = await StartAsync(options);
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal("STORED\r\n", await client.CommandAsync("set k 0 0 1\r\nx\r\n", "\r\n"));
    }

    [Fact]
    public async Task Minimum_version_1_3_refuses_a_tls_1_2_client()
    {
        var options = TlsOptions();
        options.TlsMinimumVersion = TlsMinimumVersion.Tls13;
        var server = await StartAsync(options);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var old = await TlsClient.ConnectAsync(TlsEndPoint(server), protocols: SslProtocols.Tls12);
            await old.CommandAsync("version\r\n", "\r\n");
        });
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server), protocols: SslProtocols.Tls13);
        Assert.StartsWith("VERSION ", await client.CommandAsync("version\r\n", "\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_certs_gives_new_connections_the_new_certificate_and_leaves_open_ones_alone()
    {
        var (chain, key, _) = _pki.IssueServer("refresh-old", "CN=localhost, O=Before");
        var options = TlsOptions();
        options.TlsCertificateChainFile = chain;
        options.TlsKeyFile = key;
        var server = await StartAsync(options);
        using var before = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Contains("O=Before", before.ServerCertificate.Subject, StringComparison.Ordinal);

        var (newChain, newKey, newSerial) = _pki.IssueServer("refresh-new", "CN=localhost, O=After");
        File.Copy(newChain, chain, overwrite: true);
        File.Copy(newKey, key, overwrite: true);
        Assert.Equal("OK\r\n", await before.CommandAsync("refresh_certs\r\n", "\r\n"));

        using var after = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal(newSerial, after.ServerCertificate.SerialNumber);
        Assert.Contains("O=After", after.ServerCertificate.Subject, StringComparison.Ordinal);
        Assert.Equal(newSerial, server.Context.Tls!.SerialNumber);
        // The connection made before the refresh keeps working on its own session.
        Assert.StartsWith("VERSION ", await before.CommandAsync("version\r\n", "\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_certs_with_noreply_is_silent_on_success()
    {
        var server = await StartAsync(TlsOptions());
        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send("refresh_certs noreply\r\nrefresh_certs extra words\r\n");
        Assert.Equal("OK\r\n", plain.ReadUntil("\r\n"));
    }

    [Fact]
    public async Task Refresh_certs_with_a_broken_file_answers_the_error_and_keeps_the_old_certificate()
    {
        var (chain, key, serial) = _pki.IssueServer("broken", "CN=localhost, O=Kept");
        var options = TlsOptions();
        options.TlsCertificateChainFile = chain;
        options.TlsKeyFile = key;
        var server = await StartAsync(options);

        File.WriteAllText(chain, "not a certificate\n");
        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send("refresh_certs noreply\r\n");
        var reply = plain.ReadUntil("\r\n");
        Assert.StartsWith($"Error loading the certificate chain: {chain} : ", reply, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", reply, StringComparison.Ordinal);
        Assert.Equal(1, reply.Count(c => c == '\n'));

        // A key that does not belong to the certificate is refused too.
        var (otherChain, _, _) = _pki.IssueServer("broken-other", "CN=localhost, O=Other");
        File.Copy(otherChain, chain, overwrite: true);
        plain.Send("refresh_certs\r\n");
        Assert.StartsWith($"Error loading the key: {key} : ", plain.ReadUntil("\r\n"), StringComparison.Ordinal);

        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal(serial, client.ServerCertificate.SerialNumber);
    }

    [Fact]
    public async Task Client_that_never_handshakes_is_disconnected_after_the_timeout()
    {
        var options = TlsOptions();
        options.TlsHandshakeTimeout = TimeSpan.FromMilliseconds(300);
        var server = await StartAsync(options);
        using var silent = new RawClient(TlsEndPoint(server));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(silent.WaitForClose(out _));
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

        // The slot is given back once the connection's task has ended, a moment after the close.
        using var plain = new RawClient(PlainEndPoint(server));
        var stats = "";
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(5); Thread.Sleep(20))
        {
            plain.Send("stats\r\n");
            stats = plain.ReadUntil("END\r\n");
            if (stats.Contains("STAT curr_connections 1\r\n", StringComparison.Ordinal))
                break;
        }
        Assert.Contains("STAT curr_connections 1\r\n", stats, StringComparison.Ordinal);
        Assert.Contains("STAT ssl_handshake_errors 1\r\n", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_connection_over_the_limit_is_closed_without_a_plain_text_error()
    {
        var options = TlsOptions();
        options.MaxConnections = 1;
        var server = await StartAsync(options);
        using var first = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.StartsWith("VERSION ", await first.CommandAsync("version\r\n", "\r\n"), StringComparison.Ordinal);

        using var refused = new RawClient(TlsEndPoint(server));
        Assert.True(refused.WaitForClose(out var trailing));
        Assert.Equal("", trailing);
    }

    [Fact]
    public void Certificate_file_that_is_not_pem_stops_the_server_with_its_name()
    {
        var options = TlsOptions();
        options.TlsCertificateChainFile = _pki.Write("garbage.pem", "garbage\n");
        var error = Assert.Throws<InvalidDataException>(() => new HoardServer(options));
        Assert.Contains(options.TlsCertificateChainFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_certificate_file_stops_the_server_with_its_name()
    {
        var options = TlsOptions();
        options.TlsCertificateChainFile = Path.Combine(_pki.Directory, "missing.pem");
        var error = Assert.ThrowsAny<IOException>(() => new HoardServer(options));
        Assert.StartsWith($"Error loading the certificate chain: {options.TlsCertificateChainFile} : ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_that_does_not_match_the_certificate_stops_the_server_with_its_name()
    {
        var (_, otherKey, _) = _pki.IssueServer("mismatch", "CN=localhost, O=Mismatch");
        var options = TlsOptions();
        options.TlsKeyFile = otherKey;
        var error = Assert.ThrowsAny<CryptographicException>(() => new HoardServer(options));
        Assert.StartsWith($"Error loading the key: {otherKey} : ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_ca_file_stops_the_server_with_its_name()
    {
        var options = TlsOptions();
        options.TlsVerifyMode = TlsVerifyMode.Require;
        options.TlsCaCertificateFile = Path.Combine(_pki.Directory, "no-ca.pem");
        var error = Assert.ThrowsAny<IOException>(() => new HoardServer(options));
        Assert.StartsWith($"Error loading the CA certificate: {options.TlsCaCertificateFile} : ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_inside_the_chain_file_is_found_without_ssl_key()
    {
        var combined = _pki.Write("combined.pem", File.ReadAllText(_pki.ChainFile) + "\n" + File.ReadAllText(_pki.KeyFile));
        var options = TlsOptions();
        options.TlsCertificateChainFile = combined;
        options.TlsKeyFile = null;
        var server = await StartAsync(options);
        using var client = await TlsClient.ConnectAsync(TlsEndPoint(server));
        Assert.Equal(_pki.ServerSerial, client.ServerCertificate.SerialNumber);
    }

    private static void AssertNotStored(HoardServer server, string key)
    {
        using var plain = new RawClient(PlainEndPoint(server));
        plain.Send($"get {key}\r\n");
        Assert.Equal("END\r\n", plain.ReadUntil("END\r\n"));
    }
}
