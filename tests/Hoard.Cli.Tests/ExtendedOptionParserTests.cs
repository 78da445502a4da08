using Hoard.Cli.Getopt;
using Hoard.Cli.ServerCommand;
using Hoard.Server;

namespace Hoard.Cli.Tests;

public class ExtendedOptionParserTests
{
    private static (ServerOptions Options, List<string> Warnings) Apply(string list)
    {
        var options = new ServerOptions();
        var warnings = new List<string>();
        ExtendedOptionParser.Apply(list, options, warnings);
        return (options, warnings);
    }

    private static string Error(string list) =>
        Assert.Throws<CommandLineUsageException>(() => Apply(list)).Message;

    [Fact]
    public void Idle_timeout_sets_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Apply("idle_timeout=30").Options.IdleTimeout);
    }

    [Fact]
    public void Idle_timeout_zero_means_never()
    {
        Assert.Equal(TimeSpan.Zero, Apply("idle_timeout=0").Options.IdleTimeout);
    }

    [Fact]
    public void Idle_timeout_without_value_is_an_error() =>
        Assert.Equal("-o idle_timeout needs a value: -o idle_timeout=VALUE", Error("idle_timeout"));

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Idle_timeout_that_is_not_whole_seconds_is_an_error(string value) =>
        Assert.Equal($"invalid value '{value}' for -o idle_timeout: expected whole seconds (0 = never time out)", Error("idle_timeout=" + value));

    [Fact]
    public void Memcached_options_that_do_not_apply_are_accepted_with_one_warning_each()
    {
        var (options, warnings) = Apply("modern,hashpower=20,ext_path=/tmp/x:1G,idle_timeout=5");
        Assert.Equal(TimeSpan.FromSeconds(5), options.IdleTimeout);
        Assert.Equal(3, warnings.Count);
        Assert.Equal("warning: -o modern ignored: it has no effect on Hoard", warnings[0]);
        Assert.StartsWith("warning: -o hashpower ignored: ", warnings[1], StringComparison.Ordinal);
        Assert.StartsWith("warning: -o ext_path ignored: ", warnings[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100000", 100_000)]
    [InlineData("64k", 64 * 1024)]
    [InlineData("1m", 1024 * 1024)]
    public void Udp_max_reply_bytes_takes_bytes_or_a_k_or_m_suffix(string value, int bytes) =>
        Assert.Equal(bytes, Apply("udp_max_reply_bytes=" + value).Options.UdpMaxReplyBytes);

    [Theory]
    [InlineData("-1")]
    [InlineData("1g")]
    [InlineData("99999999m")]
    public void Udp_max_reply_bytes_that_is_not_a_size_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -o udp_max_reply_bytes: expected a size in bytes, optionally with a k or m suffix",
            Error("udp_max_reply_bytes=" + value));

    [Fact]
    public void Every_known_name_is_accepted()
    {
        foreach (var option in ExtendedOptions.All)
        {
            // transport takes a word, every other valued option a number (ssl_min_version 1, TLS 1.1, warns).
            var value = option.Name switch
            {
                ExtendedOptions.Transport => "auto",
                ExtendedOptions.TlsMinimumVersion => "2",
                _ => "1",
            };
            var item = option.NeedsValue ? option.Name + "=" + value : option.Name;
            var (_, warnings) = Apply(item);
            Assert.Equal(option.Support == FlagSupport.Ignored ? 1 : 0, warnings.Count);
        }
    }

    [Fact]
    public void Lenient_keys_turns_on_memcacheds_key_rules()
    {
        var (options, warnings) = Apply("lenient_keys");
        Assert.True(options.LenientKeys);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("transport=epoll", TransportKind.Epoll)]
    [InlineData("transport=sockets", TransportKind.Sockets)]
    [InlineData("transport=auto", TransportKind.Auto)]
    public void Transport_option_selects_how_connections_are_served(string item, TransportKind expected) =>
        Assert.Equal(expected, Apply(item).Options.Transport);

    [Fact]
    public void Unknown_transport_is_an_error() =>
        Assert.Equal("invalid value 'iouring' for -o transport: expected auto, epoll or sockets", Error("transport=iouring"));

    [Fact]
    public void Ignored_option_that_memcached_requires_a_value_for_still_requires_one() =>
        Assert.Equal("-o hashpower needs a value: -o hashpower=VALUE", Error("hashpower"));

    [Fact]
    public void Unknown_name_is_an_error() =>
        Assert.Equal("unknown option 'bogus' in -o/--extended (see hoard server -h for the list)", Error("modern,bogus"));

    [Fact]
    public void Names_are_case_sensitive_as_in_memcached() =>
        Assert.Equal("unknown option 'IDLE_TIMEOUT' in -o/--extended (see hoard server -h for the list)", Error("IDLE_TIMEOUT=5"));

    [Fact]
    public void Empty_entry_is_an_error() =>
        Assert.Equal("unknown option '' in -o/--extended (see hoard server -h for the list)", Error("idle_timeout=5,,modern"));

    [Fact]
    public void Space_after_comma_is_an_error_as_in_memcached() =>
        Assert.Equal("unknown option ' modern' in -o/--extended (see hoard server -h for the list)", Error("idle_timeout=5, modern"));
}
