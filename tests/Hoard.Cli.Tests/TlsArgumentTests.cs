using Hoard.Cli.Getopt;
using Hoard.Cli.ServerCommand;
using Hoard.Server;

namespace Hoard.Cli.Tests;

/// <summary>memcached's TLS command line: -Z, the ssl_* names of -o and the notls: prefix of -l.</summary>
public class TlsArgumentTests
{
    private static ServerCommandLine Parse(params string[] args) => ServerArgumentParser.Parse(args);

    private static ServerOptions Options(params string[] args) => Parse(args).Options;

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineUsageException>(() => Parse(args)).Message;

    [Theory]
    [InlineData("-Z")]
    [InlineData("--enable-ssl")]
    public void Z_turns_tls_on(string flag)
    {
        var parsed = Parse(flag, "-o", "ssl_chain_cert=/etc/hoard/chain.pem");
        Assert.True(parsed.Options.TlsEnabled);
        Assert.Empty(parsed.Warnings);
        Assert.Empty(parsed.Options.Validate());
    }

    [Fact]
    public void Tls_is_off_by_default()
    {
        var options = Options();
        Assert.False(options.TlsEnabled);
        Assert.Equal(TlsVerifyMode.None, options.TlsVerifyMode);
        Assert.Equal(TlsMinimumVersion.Tls12, options.TlsMinimumVersion);
        Assert.Equal(TimeSpan.FromSeconds(10), options.TlsHandshakeTimeout);
    }

    [Fact]
    public void Certificate_key_and_ca_files_are_read_from_o()
    {
        var options = Options("-Z", "-o", "ssl_chain_cert=/c/chain.pem,ssl_key=/c/key.pem,ssl_ca_cert=/c/ca.pem,ssl_verify_mode=2");
        Assert.Equal("/c/chain.pem", options.TlsCertificateChainFile);
        Assert.Equal("/c/key.pem", options.TlsKeyFile);
        Assert.Equal("/c/ca.pem", options.TlsCaCertificateFile);
        Assert.Equal(TlsVerifyMode.Require, options.TlsVerifyMode);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("0", TlsVerifyMode.None)]
    [InlineData("none", TlsVerifyMode.None)]
    [InlineData("1", TlsVerifyMode.Request)]
    [InlineData("request", TlsVerifyMode.Request)]
    [InlineData("2", TlsVerifyMode.Require)]
    [InlineData("require", TlsVerifyMode.Require)]
    [InlineData("3", TlsVerifyMode.Require)]
    [InlineData("once", TlsVerifyMode.Require)]
    public void Verify_mode_takes_memcacheds_numbers_and_their_names(string value, TlsVerifyMode expected) =>
        Assert.Equal(expected, Options("-o", "ssl_verify_mode=" + value).TlsVerifyMode);

    [Theory]
    [InlineData("4")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("Require")]
    public void Verify_mode_out_of_range_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -o ssl_verify_mode: expected 0 (none), 1 (request), 2 (require) or 3 (once, the same as require)",
            Error("-o", "ssl_verify_mode=" + value));

    [Theory]
    [InlineData("tlsv1.2", TlsMinimumVersion.Tls12)]
    [InlineData("2", TlsMinimumVersion.Tls12)]
    [InlineData("tlsv1.3", TlsMinimumVersion.Tls13)]
    [InlineData("3", TlsMinimumVersion.Tls13)]
    public void Minimum_version_is_tls_1_2_or_1_3(string value, TlsMinimumVersion expected)
    {
        var parsed = Parse("-o", "ssl_min_version=" + value);
        Assert.Equal(expected, parsed.Options.TlsMinimumVersion);
        Assert.Empty(parsed.Warnings);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("tlsv1.0")]
    [InlineData("1")]
    [InlineData("tlsv1.1")]
    public void Minimum_version_below_1_2_is_raised_to_1_2_with_a_warning(string value)
    {
        var parsed = Parse("-o", "ssl_min_version=" + value);
        Assert.Equal(TlsMinimumVersion.Tls12, parsed.Options.TlsMinimumVersion);
        Assert.Equal($"warning: -o ssl_min_version={value} raised to tlsv1.2: Hoard never offers TLS 1.0 or 1.1", Assert.Single(parsed.Warnings));
    }

    [Theory]
    [InlineData("4")]
    [InlineData("tlsv1.4")]
    [InlineData("TLSv1.2")]
    [InlineData("1.2")]
    public void Minimum_version_that_is_not_a_tls_version_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -o ssl_min_version: expected tlsv1.2 or tlsv1.3 (or memcached's numbers 2 and 3)",
            Error("-o", "ssl_min_version=" + value));

    [Theory]
    [InlineData("ssl_chain_cert")]
    [InlineData("ssl_key")]
    [InlineData("ssl_ca_cert")]
    [InlineData("ssl_verify_mode")]
    [InlineData("ssl_min_version")]
    [InlineData("ssl_chain_cert=")]
    public void Tls_option_without_a_value_is_an_error(string item)
    {
        var name = item.TrimEnd('=');
        Assert.Equal($"-o {name} needs a value: -o {name}=VALUE", Error("-o", item));
    }

    [Theory]
    [InlineData("ssl_ciphers=HIGH", "ssl_ciphers")]
    [InlineData("ssl_keyformat=1", "ssl_keyformat")]
    [InlineData("ssl_wbuf_size=32", "ssl_wbuf_size")]
    [InlineData("ssl_session_cache", "ssl_session_cache")]
    [InlineData("ssl_kernel_tls", "ssl_kernel_tls")]
    public void Openssl_tuning_options_are_accepted_with_a_warning(string item, string name)
    {
        var parsed = Parse("-o", item);
        var warning = Assert.Single(parsed.Warnings);
        Assert.StartsWith($"warning: -o {name} ignored: ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Notls_listen_addresses_are_kept_with_their_prefix()
    {
        var options = Options("-Z", "-o", "ssl_chain_cert=/c.pem", "-l", "notls:127.0.0.1:11212,127.0.0.1:11213", "-l", "notls:[::1]:11214");
        Assert.Equal(["notls:127.0.0.1:11212", "127.0.0.1:11213", "notls:[::1]:11214"], options.ListenAddresses);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Notls_without_an_address_is_an_error() =>
        Assert.Equal(
            "invalid value 'notls:' for -l/--listen: expected an address after notls:, like notls:127.0.0.1:11212",
            Error("-Z", "-l", "notls:"));

    [Fact]
    public void Notls_without_z_is_a_validation_error_as_in_memcached() =>
        Assert.Contains("the 'notls:' prefix of -l is valid only when TLS is enabled (-Z)", Options("-l", "notls:127.0.0.1:11212").Validate());

    [Fact]
    public void Z_without_a_certificate_is_a_validation_error() =>
        Assert.Contains("TLS (-Z) needs a certificate: -o ssl_chain_cert=FILE", Options("-Z").Validate());

    [Fact]
    public void Certificate_without_z_is_a_validation_error() =>
        Assert.Contains("ssl_* options need -Z to turn TLS on", Options("-o", "ssl_chain_cert=/c.pem").Validate());

    [Fact]
    public void Client_verification_without_a_ca_file_is_a_validation_error() =>
        Assert.Contains(
            "ssl_verify_mode needs ssl_ca_cert: the CA file client certificates are checked against",
            Options("-Z", "-o", "ssl_chain_cert=/c.pem,ssl_verify_mode=require").Validate());
}
