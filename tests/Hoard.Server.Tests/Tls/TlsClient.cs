using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Hoard.Server.Tests.Tls;

/// <summary>A text-protocol client over SslStream for exact-byte tests; every operation has a timeout.</summary>
internal sealed class TlsClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly SslStream _stream;
    private readonly StringBuilder _pending = new();

    private TlsClient(Socket socket, SslStream stream, X509Certificate2 serverCertificate)
    {
        _socket = socket;
        _stream = stream;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public static async Task<TlsClient> ConnectAsync(EndPoint endPoint, X509Certificate2? clientCertificate = null, SslProtocols protocols = SslProtocols.None)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
            var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
            X509Certificate2? presented = null;
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                // The test CA is not trusted by the machine; the tests look at the certificate itself.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return true;
                },
            };
            if (clientCertificate is not null)
                options.ClientCertificates = [clientCertificate];
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await stream.AuthenticateAsClientAsync(options, timeout.Token);
            }
            catch
            {
                await stream.DisposeAsync();
                throw;
            }
            return new TlsClient(socket, stream, presented!);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), timeout.Token);
    }

    /// <summary>Reads until the received text ends with <paramref name="terminator"/>, or the stream ends.</summary>
    public async Task<string> ReadUntilAsync(string terminator)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Timeout);
        while (!_pending.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            int n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
                break;
            _pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var text = _pending.ToString();
        _pending.Clear();
        return text;
    }

    public async Task<string> CommandAsync(string command, string terminator)
    {
        await SendAsync(command);
        return await ReadUntilAsync(terminator);
    }

    /// <summary>
    /// Sends <paramref name="command"/> and returns whatever arrives before the server closes or breaks the
    /// connection: what a client the server refused gets served.
    /// </summary>
    public async Task<string> SendAndReadToEndAsync(string command)
    {
        try
        {
            await SendAsync(command);
            return await ReadUntilAsync("\u0000never");
        }
        catch (IOException)
        {
            return _pending.ToString();
        }
        catch (AuthenticationException)
        {
            return _pending.ToString();
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
        ServerCertificate.Dispose();
    }
}
