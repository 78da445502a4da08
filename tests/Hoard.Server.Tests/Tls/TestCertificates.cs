using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hoard.Server.Tests.Tls;

/// <summary>
/// A throw-away PKI in a temp directory, made with .NET's CertificateRequest: a CA, a server certificate for
/// 127.0.0.1/localhost, a client certificate from the same CA and one from an unrelated CA, as PEM files the
/// server loads and as in-memory certificates with keys for the clients.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("hoard-tls-").FullName;
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _ca = CreateAuthority("CN=Hoard Test CA", _caKey);
        CaFile = Write("ca.pem", _ca.ExportCertificatePem());

        (ChainFile, KeyFile, ServerSerial) = IssueServer("server", "CN=localhost");
        ClientCertificate = IssueClient(_ca, "CN=hoard client");

        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = CreateAuthority("CN=Some Other CA", strangerKey);
        StrangerClientCertificate = IssueClient(stranger, "CN=stranger");
    }

    public string Directory { get; }

    public string CaFile { get; }

    public string ChainFile { get; }

    public string KeyFile { get; }

    /// <summary>Serial number (hex) of the server certificate in <see cref="ChainFile"/>.</summary>
    public string ServerSerial { get; }

    public X509Certificate2 ClientCertificate { get; }

    /// <summary>A client certificate that does not chain to <see cref="CaFile"/>.</summary>
    public X509Certificate2 StrangerClientCertificate { get; }

    /// <summary>Issues another server certificate into new files; returns their paths and its serial number.</summary>
    public (string ChainFile, string KeyFile, string Serial) IssueServer(string name, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomSerial());
        var chain = Write(name + ".pem", certificate.ExportCertificatePem() + "\n" + _ca.ExportCertificatePem());
        var keyFile = Write(name + ".key", key.ExportPkcs8PrivateKeyPem());
        return (chain, keyFile, certificate.SerialNumber);
    }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        ClientCertificate.Dispose();
        StrangerClientCertificate.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 CreateAuthority(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static X509Certificate2 IssueClient(X509Certificate2 issuer, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomSerial());
        return certificate.CopyWithPrivateKey(key);
    }

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f; // a serial number is a positive integer
        return serial;
    }
}
