using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Security;

/// <summary>
/// The certificates of the TLS listeners (<c>-Z</c>): the server's chain and key and the CAs client
/// certificates are checked against. Loaded when the server is built; <see cref="Reload"/> (memcached's
/// <c>refresh_certs</c>) swaps in new files for connections accepted afterwards, and keeps the old ones when
/// the new ones cannot be used.
/// </summary>
public sealed class TlsCertificates
{
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloading = new();
    private LoadedCertificates _current;
    private long _loadedTimestamp;

    private TlsCertificates(ServerOptions options, ILogger logger, LoadedCertificates loaded)
    {
        _options = options;
        _logger = logger;
        _current = loaded;
        _loadedTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Loads the files named by <paramref name="options"/>. Throws <see cref="CryptographicException"/>,
    /// <see cref="IOException"/>, <see cref="InvalidDataException"/> or <see cref="UnauthorizedAccessException"/>
    /// with a message naming the file: a server asked for TLS never starts without it.
    /// </summary>
    public static TlsCertificates Load(ServerOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var loaded = LoadFiles(options);
        Log.TlsCertificateLoaded(logger, options.TlsCertificateChainFile!, loaded.Subject, loaded.SerialNumber, loaded.NotAfter);
        return new TlsCertificates(options, logger, loaded);
    }

    /// <summary>Subject of the certificate new connections are offered.</summary>
    public string Subject => Volatile.Read(ref _current).Subject;

    /// <summary>Serial number (hex) of the certificate new connections are offered.</summary>
    public string SerialNumber => Volatile.Read(ref _current).SerialNumber;

    /// <summary>Time since the certificates were last loaded successfully (<c>time_since_server_cert_refresh</c>).</summary>
    public TimeSpan SinceLoaded => Stopwatch.GetElapsedTime(Interlocked.Read(ref _loadedTimestamp));

    /// <summary>
    /// The handshake settings for a connection accepted now. Shared by every connection of one certificate
    /// generation; connections keep the generation they started with.
    /// </summary>
    internal SslServerAuthenticationOptions AuthenticationOptions => Volatile.Read(ref _current).AuthenticationOptions;

    /// <summary>
    /// Re-reads the certificate, key and CA files. Returns null when the new ones are in use, else
    /// memcached's error line (without CRLF), in which case the previous certificates stay.
    /// </summary>
    public string? Reload()
    {
        lock (_reloading)
        {
            LoadedCertificates loaded;
            try
            {
                loaded = LoadFiles(_options);
            }
            catch (Exception e) when (e is CryptographicException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.TlsCertificateReloadFailed(_logger, e.Message);
                return e.Message;
            }
            Volatile.Write(ref _current, loaded);
            Interlocked.Exchange(ref _loadedTimestamp, Stopwatch.GetTimestamp());
            Log.TlsCertificateLoaded(_logger, _options.TlsCertificateChainFile!, loaded.Subject, loaded.SerialNumber, loaded.NotAfter);
            return null;
        }
    }

    private static LoadedCertificates LoadFiles(ServerOptions options)
    {
        string chainFile = options.TlsCertificateChainFile
            ?? throw new InvalidOperationException("TLS is on without a certificate chain file; ServerOptions.Validate refuses this");
        // The messages are memcached's ("Error loading the certificate chain: FILE : reason"), so refresh_certs
        // answers the same line, and they name the file at start-up.
        X509Certificate2Collection chain;
        try
        {
            chain = [];
            chain.ImportFromPemFile(chainFile);
            if (chain.Count == 0)
                throw new InvalidDataException("no PEM certificate in the file");
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw Failure(e, $"Error loading the certificate chain: {chainFile} : {e.Message}");
        }

        // The first certificate of the chain file is the server's own; the key sits beside it or in ssl_key.
        string keyFile = options.TlsKeyFile ?? chainFile;
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(chainFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            throw Failure(e, $"Error loading the key: {keyFile} : {e.Message}");
        }
        if (OperatingSystem.IsWindows())
        {
            // Windows' TLS stack cannot use a key that exists only in memory; a PKCS#12 round trip persists it.
            using var ephemeral = leaf;
            leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        X509Certificate2Collection? authorities = null;
        if (options.TlsCaCertificateFile is { } caFile)
        {
            try
            {
                authorities = [];
                authorities.ImportFromPemFile(caFile);
                if (authorities.Count == 0)
                    throw new InvalidDataException("no PEM certificate in the file");
            }
            catch (Exception e) when (e is CryptographicException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                leaf.Dispose();
                throw Failure(e, $"Error loading the CA certificate: {caFile} : {e.Message}");
            }
        }

        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < chain.Count; i++)
            intermediates.Add(chain[i]);
        // offline: the chain is sent as the file gives it; the server never fetches missing intermediates.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        var verifier = new ClientCertificateVerifier(options.TlsVerifyMode, authorities);
        var authentication = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = options.TlsMinimumVersion == TlsMinimumVersion.Tls13
                ? SslProtocols.Tls13
                : SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = options.TlsVerifyMode != TlsVerifyMode.None,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = verifier.Verify,
            AllowRenegotiation = false,
        };
        return new LoadedCertificates(authentication, leaf.Subject, leaf.SerialNumber, leaf.NotAfter.ToUniversalTime());
    }

    /// <summary>Keeps the exception's kind (so callers can tell a missing file from a bad one) with memcached's message.</summary>
    private static Exception Failure(Exception inner, string message) => inner switch
    {
        IOException => new IOException(message, inner),
        UnauthorizedAccessException => new UnauthorizedAccessException(message, inner),
        InvalidDataException => new InvalidDataException(message, inner),
        _ => new CryptographicException(message, inner),
    };

    private sealed record LoadedCertificates(
        SslServerAuthenticationOptions AuthenticationOptions, string Subject, string SerialNumber, DateTime NotAfter);
}
