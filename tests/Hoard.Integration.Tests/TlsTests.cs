using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>
/// TLS (<c>-Z</c>) on the real process, with certificates made by the openssl command and spoken to by
/// <c>openssl s_client</c> and pymemcache: serving over TLS, a <c>notls:</c> listener beside it, client
/// certificates, <c>refresh_certs</c> and certificates that cannot be loaded. The same tests pass against
/// memcached 1.6.18 (HOARD_TEST_SERVER=memcached).
/// </summary>
public sealed class TlsTests : IClassFixture<TlsTests.Pki>
{
    private readonly OpensslPki _pki;

    public TlsTests(Pki pki) => _pki = pki.Files;

    /// <summary>One CA for the class: openssl runs take most of the time.</summary>
    public sealed class Pki : IDisposable
    {
        public OpensslPki Files { get; } = new();

        public void Dispose() => Files.Dispose();
    }

    /// <summary>Starts a server with TLS on the base listener and a plain <c>notls:</c> listener beside it.</summary>
    private static ServerProcess StartTls(string chain, string key, string extraOptions = "") =>
        ServerProcess.Start("-Z", "-o", $"ssl_chain_cert={chain},ssl_key={key}{extraOptions}", "-l", "notls:127.0.0.1:0");

    private ServerProcess StartTls(string extraOptions = "") => StartTls(_pki.ServerCertificate, _pki.ServerKey, extraOptions);

    /// <summary>The notls: listener's port: the second TCP line of the port file (listeners bind in -l order).</summary>
    private static int PlainPort(ServerProcess server)
    {
        var lines = File.ReadAllLines(server.PortFile).Where(l => l.StartsWith("TCP INET:", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, $"expected two TCP listeners in the port file: {string.Join(" | ", lines)}\n{server.Describe()}");
        return int.Parse(lines[1]["TCP INET:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>openssl s_client verifying the server against the test CA; <paramref name="input"/> is the session.</summary>
    private ChildProcess.Result SClient(int port, string input, params string[] extra) =>
        _pki.RunWithInput(input, TimeSpan.FromSeconds(20),
            ["s_client", "-connect", $"127.0.0.1:{port}", "-quiet", "-CAfile", _pki.CaFile, "-verify_return_error", .. extra]);

    [Fact]
    public void Openssl_s_client_sets_and_gets_over_tls()
    {
        using var server = StartTls();
        var result = SClient(server.Port, "set greeting 3 0 5\r\nhello\r\nget greeting\r\nquit\r\n");
        Assert.True(result.Stdout.Contains("STORED\nVALUE greeting 3 5\nhello\nEND\n", StringComparison.Ordinal)
            || result.Stdout.Contains("STORED\r\nVALUE greeting 3 5\r\nhello\r\nEND\r\n", StringComparison.Ordinal),
            $"{result}\n{server.Describe()}");
        Assert.Contains("verify return:1", result.Stderr, StringComparison.Ordinal);
        // quit ends the session with a close_notify alert, as memcached does, not a bare TCP close.
        Assert.DoesNotContain("unexpected eof", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Pymemcache_with_an_ssl_context_works_over_tls()
    {
        using var server = StartTls();
        AssertScriptPasses(server, _pki.CaFile);
    }

    [Fact]
    public void Plain_text_client_on_the_tls_port_gets_nothing_served()
    {
        using var server = StartTls();
        using (var client = TextClient.Connect(server.Port))
        {
            client.Send("set sneaky 0 0 1\r\nx\r\nversion\r\n");
            var trailing = ReadUntilClosed(client);
            Assert.DoesNotContain("STORED", trailing, StringComparison.Ordinal);
            Assert.DoesNotContain("VERSION", trailing, StringComparison.Ordinal);
        }
        using var plain = TextClient.Connect(PlainPort(server));
        plain.Send("get sneaky\r\n");
        Assert.Equal("END", plain.ReadLine());
    }

    [Fact]
    public void Notls_listener_serves_plain_text_beside_the_tls_one()
    {
        using var server = StartTls();
        var result = SClient(server.Port, "set across 0 0 3\r\nabc\r\nquit\r\n");
        Assert.Contains("STORED", result.Stdout, StringComparison.Ordinal);

        using var plain = TextClient.Connect(PlainPort(server));
        plain.Send("get across\r\n");
        Assert.Equal("VALUE across 0 3", plain.ReadLine());
        Assert.Equal("abc", plain.ReadLine());
        Assert.Equal("END", plain.ReadLine());
        plain.Send("stats settings\r\n");
        var settings = ReadStats(plain);
        Assert.Equal("yes", settings["ssl_enabled"]);
        Assert.Equal(_pki.ServerCertificate, settings["ssl_chain_cert"]);
        plain.Send("stats\r\n");
        var stats = ReadStats(plain);
        Assert.True(stats.ContainsKey("ssl_handshake_errors"), server.Describe());
        Assert.True(stats.ContainsKey("time_since_server_cert_refresh"), server.Describe());
    }

    [Fact]
    public void Required_client_certificate_missing_fails_the_handshake_and_nothing_is_served()
    {
        using var server = StartTls($",ssl_verify_mode=2,ssl_ca_cert={_pki.CaFile}");
        var result = SClient(server.Port, "set intruder 0 0 1\r\nx\r\nversion\r\nquit\r\n");
        Assert.DoesNotContain("STORED", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("VERSION", result.Stdout, StringComparison.Ordinal);

        using var plain = TextClient.Connect(PlainPort(server));
        plain.Send("get intruder\r\n");
        Assert.Equal("END", plain.ReadLine());
    }

    [Fact]
    public void Required_client_certificate_present_is_accepted_by_s_client_and_pymemcache()
    {
        using var server = StartTls($",ssl_verify_mode=2,ssl_ca_cert={_pki.CaFile}");
        var result = SClient(server.Port, "set member 0 0 1\r\nx\r\nquit\r\n", "-cert", _pki.ClientCertificate, "-key", _pki.ClientKey);
        Assert.Contains("STORED", result.Stdout, StringComparison.Ordinal);
        AssertScriptPasses(server, _pki.CaFile, _pki.ClientCertificate, _pki.ClientKey);
    }

    [Fact]
    public void Refresh_certs_swaps_the_certificate_and_a_broken_file_keeps_the_old_one()
    {
        // Files of this test only: the class's other tests keep using the original server certificate.
        var chain = _pki.Path("refresh.pem");
        var key = _pki.Path("refresh.key");
        File.Copy(_pki.ServerCertificate, chain, overwrite: true);
        File.Copy(_pki.ServerKey, key, overwrite: true);
        using var server = StartTls(chain, key);
        Assert.Contains("O = Hoard Tests", PresentedSubject(server.Port), StringComparison.Ordinal);

        _pki.Issue("renewed", "/O=Renewed/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        File.Copy(_pki.Path("renewed.pem"), chain, overwrite: true);
        File.Copy(_pki.Path("renewed.key"), key, overwrite: true);
        using var plain = TextClient.Connect(PlainPort(server));
        plain.Send("refresh_certs\r\n");
        Assert.Equal("OK", plain.ReadLine());
        var renewed = SClient(server.Port, "quit\r\n", "-showcerts");
        Assert.Contains("O = Renewed", PresentedSubject(server.Port), StringComparison.Ordinal);
        Assert.Contains("verify return:1", renewed.Stderr, StringComparison.Ordinal);

        File.WriteAllText(chain, "this is not a certificate\n");
        plain.Send("refresh_certs\r\n");
        Assert.StartsWith($"Error loading the certificate chain: {chain} : ", plain.ReadLine(), StringComparison.Ordinal);
        Assert.Contains("O = Renewed", PresentedSubject(server.Port), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_that_cannot_be_loaded_stops_the_server_with_the_file_named()
    {
        var missing = _pki.Path("missing.pem");
        var error = Assert.Throws<InvalidOperationException>(() => StartTls(missing, _pki.ServerKey));
        Assert.Contains($"Error loading the certificate chain: {missing} : ", error.Message, StringComparison.Ordinal);

        var wrongKey = Assert.Throws<InvalidOperationException>(() => StartTls(_pki.ServerCertificate, _pki.ClientKey));
        Assert.Contains($"Error loading the key: {_pki.ClientKey} : ", wrongKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Notls_without_z_is_refused_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerProcess.Start("-l", "notls:127.0.0.1:0"));
        Assert.Contains("notls", error.Message, StringComparison.Ordinal);
        Assert.Contains("valid only when", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The subject line s_client prints for the certificate a new connection is offered.</summary>
    private string PresentedSubject(int port)
    {
        // Without -quiet s_client prints the session, and ends when its input does.
        var result = _pki.RunWithInput("", TimeSpan.FromSeconds(20),
            ["s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", _pki.CaFile, "-verify_return_error"]);
        var subject = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("subject=", StringComparison.Ordinal));
        Assert.True(subject is not null, $"s_client printed no subject: {result}");
        return subject;
    }

    private void AssertScriptPasses(ServerProcess server, params string[] files)
    {
        var result = ExternalTool.Run(ExternalTool.Python,
            [ExternalTool.Script("pymemcache_tls.py"), server.Port.ToString(CultureInfo.InvariantCulture), .. files],
            TimeSpan.FromSeconds(60));
        var failures = result.Stdout.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.True(result.ExitCode == 0 && failures.Count == 0,
            $"pymemcache_tls.py failed:\n{string.Join('\n', failures)}\n{result}\n{server.Describe()}");
        Assert.Contains("ALL PASSED", result.Stdout, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ReadStats(TextClient client)
    {
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        while (client.ReadLine() is var line && line != "END")
        {
            var parts = line.Split(' ', 3);
            stats[parts[1]] = parts.Length > 2 ? parts[2] : "";
        }
        return stats;
    }

    private static string ReadUntilClosed(TextClient client)
    {
        var received = new System.Text.StringBuilder();
        try
        {
            while (client.ReadLine() is { } line)
                received.Append(line).Append('\n');
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or EndOfStreamException or InvalidOperationException)
        {
            // Closed or reset by the server: what arrived before is the answer.
        }
        return received.ToString();
    }
}
