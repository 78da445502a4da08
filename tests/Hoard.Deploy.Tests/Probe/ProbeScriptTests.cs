using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Deploy.Tests.Infrastructure;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Probe;

/// <summary>
/// deploy/docker/hoard-probe, the health check of the images and the Kubernetes probes, run against real
/// hoard servers in each configuration the chart can give them, and against things that are not healthy.
/// </summary>
public sealed class ProbeScriptTests
{
    private static string Port(HoardServerProcess server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_plain_server_is_healthy()
    {
        using var server = HoardServerProcess.Start(HoardServerProcess.CreateDirectory());
        var result = ProbeScript.Run("-p", Port(server));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Nothing_listening_is_unhealthy_with_the_reason()
    {
        var port = HoardServerProcess.FreePort();
        var result = ProbeScript.Run("-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"hoard-probe: 127.0.0.1:{port}: cannot connect", result.Stderr.Trim());
    }

    [Fact]
    public void A_listener_that_never_answers_is_unhealthy_although_it_accepts_connections()
    {
        // What a TCP check would call healthy: the kernel completes the connection, nobody reads it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = ProbeScript.Run("-p", port, "-t", "1");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no reply within 1s to version", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ascii_auth_server_is_healthy_only_when_the_probe_logs_in_with_the_mounted_file()
    {
        var directory = HoardServerProcess.CreateDirectory();
        File.WriteAllText(Path.Combine(directory, "users"), "probe:s3cr\u00e9t\napp:other\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(directory, "wrong"), "probe:nope\n");
        using var server = HoardServerProcess.Start(directory, "-Y", "users");

        var withFile = ProbeScript.Run("-p", Port(server), "-Y", Path.Combine(directory, "users"));
        Assert.True(withFile.ExitCode == 0, withFile.ToString());

        var without = ProbeScript.Run("-p", Port(server));
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("version answered 'CLIENT_ERROR unauthenticated'", without.Stderr, StringComparison.Ordinal);

        var wrong = ProbeScript.Run("-p", Port(server), "-Y", Path.Combine(directory, "wrong"));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("authentication answered 'CLIENT_ERROR authentication failure'", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sasl_server_answers_the_binary_version_before_authentication()
    {
        var directory = HoardServerProcess.CreateDirectory();
        File.WriteAllText(Path.Combine(directory, "users"), "app:s3cret\n");
        using var server = HoardServerProcess.Start(directory, "-S", "-o", "sasl_pwdb=users");

        var binary = ProbeScript.Run("-p", Port(server), "-S");
        Assert.True(binary.ExitCode == 0, binary.ToString());
        // Text on a SASL server is not a binary frame: the server closes the connection.
        var text = ProbeScript.Run("-p", Port(server));
        Assert.Equal(1, text.ExitCode);
    }

    [Fact]
    public void A_tls_server_is_probed_on_its_plain_loopback_listener_as_the_chart_configures_it()
    {
        var directory = HoardServerProcess.CreateDirectory();
        MakeCertificate(directory);
        var probePort = HoardServerProcess.FreePort();
        using var server = HoardServerProcess.Start(directory, "-Z", "-o", "ssl_chain_cert=tls.crt,ssl_key=tls.key",
            "-l", $"notls:127.0.0.1:{probePort}");

        var plain = ProbeScript.Run("-p", probePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(plain.ExitCode == 0, plain.ToString() + server.Output);
        var onTls = ProbeScript.Run("-p", Port(server), "-t", "2");
        Assert.Equal(1, onTls.ExitCode);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK", 0)]
    [InlineData("HTTP/1.1 204 No Content", 0)]
    [InlineData("HTTP/1.1 503 Service Unavailable", 1)]
    public async Task The_http_mode_is_healthy_on_a_2xx_status_only(string statusLine, int exitCode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var requestLine = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var first = await reader.ReadLineAsync();
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
            }
            var reply = Encoding.ASCII.GetBytes($"{statusLine}\r\nContent-Length: 0\r\n\r\n");
            await stream.WriteAsync(reply);
            return first;
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = ProbeScript.Run("-p", port, "--http", "/health");
        Assert.True(exitCode == result.ExitCode, result.ToString());
        Assert.Equal("GET /health HTTP/1.0", await requestLine.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(new[] { "-p", "http" }, "'http' is not a port")]
    [InlineData(new[] { "-p", "70000" }, "'70000' is not a port")]
    [InlineData(new[] { "--bogus" }, "unknown argument '--bogus'")]
    [InlineData(new[] { "-S", "-Y", "users" }, "-Y and -S exclude each other")]
    public void Bad_arguments_are_refused_with_exit_code_2(string[] arguments, string message)
    {
        var result = ProbeScript.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    private static void MakeCertificate(string directory)
    {
        var result = ChildProcess.Run("/usr/bin/openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "tls.key",
             "-out", "tls.crt", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
            TimeSpan.FromSeconds(30), workingDirectory: directory);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
