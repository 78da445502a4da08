using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hoard.Server.Security;

/// <summary>
/// Decides whether a TLS client's certificate is acceptable under memcached's <c>ssl_verify_mode</c>: it must
/// chain to one of the <c>ssl_ca_cert</c> authorities (and only those, not the system's roots), be valid now
/// and usable for client authentication. Revocation is not checked, as memcached does not check it.
/// </summary>
internal sealed class ClientCertificateVerifier
{
    /// <summary>The TLS client authentication purpose (id-kp-clientAuth), as OpenSSL checks it for a server.</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly TlsVerifyMode _mode;
    private readonly X509Certificate2Collection? _authorities;

    public ClientCertificateVerifier(TlsVerifyMode mode, X509Certificate2Collection? authorities)
    {
        _mode = mode;
        _authorities = authorities;
    }

    public bool Verify(object sender, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (_mode == TlsVerifyMode.None)
            return true;
        if (certificate is null)
            return _mode == TlsVerifyMode.Request;
        if (_authorities is null)
            return false;

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        // Intermediates the client sent with its certificate.
        if (presentedChain is not null)
        {
            policy.ExtraStore.AddRange(presentedChain.ChainPolicy.ExtraStore);
            foreach (var element in presentedChain.ChainElements)
                policy.ExtraStore.Add(element.Certificate);
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
                leaf.Dispose();
        }
    }
}
