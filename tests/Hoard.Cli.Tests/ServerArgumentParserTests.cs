using Hoard.Cli.Getopt;
using Hoard.Cli.ServerCommand;
using Hoard.Server;

namespace Hoard.Cli.Tests;

public class ServerArgumentParserTests
{
    private static ServerCommandLine Parse(params string[] args) => ServerArgumentParser.Parse(args);

    private static ServerOptions Options(params string[] args) => Parse(args).Options;

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineUsageException>(() => Parse(args)).Message;

    [Fact]
    public void No_flags_gives_memcached_defaults_with_loopback_listen()
    {
        var parsed = Parse();
        var options = parsed.Options;
        Assert.Equal(ServerCommandAction.Run, parsed.Action);
        Assert.Equal(11211, options.Port);
        Assert.Equal(0, options.UdpPort);
        Assert.Equal(["127.0.0.1"], options.ListenAddresses);
        Assert.Equal(64L * 1024 * 1024, options.MemoryLimitBytes);
        Assert.Equal(1024, options.MaxConnections);
        Assert.Equal(4, options.Threads);
        Assert.Equal(1024 * 1024, options.MaxItemSize);
        Assert.Equal(20, options.RequestsPerEvent);
        Assert.Equal(1024, options.Backlog);
        Assert.Equal(ProtocolMode.Auto, options.Protocol);
        Assert.Equal(0, options.Verbosity);
        Assert.False(parsed.Daemonize);
        Assert.Null(parsed.PidFile);
        Assert.Null(parsed.User);
        Assert.Empty(parsed.Warnings);
    }

    [Theory]
    [InlineData("-p 11311")]
    [InlineData("-p11311")]
    [InlineData("--port=11311")]
    [InlineData("--port 11311")]
    public void Port_flag_is_parsed_glued_separate_and_long(string commandLine)
    {
        var args = commandLine.Split(' ');
        Assert.Equal(11311, Options(args).Port);
    }

    [Fact]
    public void Port_flag_glued_to_value_is_parsed() => Assert.Equal(11211, Options("-p11211").Port);

    [Fact]
    public void Port_zero_asks_for_a_free_port() => Assert.Equal(0, Options("-p", "0").Port);

    [Fact]
    public void Port_minus_one_is_memcached_test_suites_free_port() => Assert.Equal(0, Options("-p", "-1").Port);

    [Fact]
    public void Last_port_flag_wins() => Assert.Equal(2, Options("-p", "1", "-p", "2").Port);

    [Theory]
    [InlineData("abc")]
    [InlineData("70000")]
    [InlineData("-5")]
    [InlineData("")]
    [InlineData("+80")]
    [InlineData(" 80")]
    [InlineData("0x50")]
    public void Port_that_is_not_a_port_number_is_an_error(string value) =>
        Assert.Equal($"invalid value '{value}' for -p/--port: expected a port number 0-65535", Error("-p", value));

    [Fact]
    public void Udp_port_flag_is_parsed() => Assert.Equal(11212, Options("-U", "11212").UdpPort);

    [Fact]
    public void Udp_port_long_flag_is_parsed() => Assert.Equal(11212, Options("--udp-port=11212").UdpPort);

    [Fact]
    public void Udp_port_minus_one_asks_for_a_free_port_as_in_memcached() =>
        Assert.Equal(-1, Options("-p", "11211", "-U", "-1").UdpPort);

    [Fact]
    public void Udp_port_below_minus_one_is_an_error() =>
        Assert.Equal("invalid value '-2' for -U/--udp-port: expected a port number 0-65535", Error("-U", "-2"));

    [Fact]
    public void Udp_port_without_tcp_port_serves_tcp_on_the_same_port_as_memcached_does()
    {
        var options = Options("-U", "11300");
        Assert.Equal(11300, options.Port);
        Assert.Equal(11300, options.UdpPort);
        Assert.Equal(0, Options("-U", "-1").Port);
    }

    [Fact]
    public void Udp_port_with_tcp_port_leaves_both_as_given()
    {
        var options = Options("-U", "11300", "-p", "11400");
        Assert.Equal(11400, options.Port);
        Assert.Equal(11300, options.UdpPort);
        Assert.Equal(11211, Options("-U", "0").Port);
    }

    [Fact]
    public void Listen_flag_replaces_the_loopback_default() =>
        Assert.Equal(["0.0.0.0"], Options("-l", "0.0.0.0").ListenAddresses);

    [Fact]
    public void Listen_flag_takes_a_comma_separated_list() =>
        Assert.Equal(["127.0.0.1", "::1", "10.0.0.1:11212"], Options("--listen=127.0.0.1,::1,10.0.0.1:11212").ListenAddresses);

    [Fact]
    public void Repeated_listen_flags_add_up_without_duplicates() =>
        Assert.Equal(["127.0.0.1", "::1"], Options("-l", "127.0.0.1", "-l", "::1,127.0.0.1").ListenAddresses);

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1,,::1")]
    [InlineData("127.0.0.1, ::1")]
    public void Listen_list_with_empty_entries_or_spaces_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -l/--listen: expected a comma-separated list of addresses without spaces or empty entries",
            Error("-l", value));

    [Fact]
    public void Unix_socket_flag_is_parsed() => Assert.Equal("/tmp/hoard.sock", Options("-s", "/tmp/hoard.sock").UnixSocketPath);

    [Theory]
    [InlineData("700", 0x1C0)]
    [InlineData("0755", 0x1ED)]
    [InlineData("0", 0)]
    [InlineData("777", 0x1FF)]
    public void Unix_mask_is_read_as_octal(string value, int expected) => Assert.Equal(expected, Options("-a", value).UnixSocketMask);

    [Theory]
    [InlineData("8")]
    [InlineData("1777")]
    [InlineData("abc")]
    [InlineData("")]
    public void Unix_mask_that_is_not_octal_permissions_is_an_error(string value) =>
        Assert.Equal($"invalid value '{value}' for -a/--unix-mask: expected an octal permission mask from 0 to 777, like 700", Error("-a", value));

    [Theory]
    [InlineData("-m 128")]
    [InlineData("-m128")]
    [InlineData("--memory-limit=128")]
    public void Memory_limit_is_megabytes(string commandLine)
    {
        var args = commandLine.Split(' ');
        Assert.Equal(128L * 1024 * 1024, Options(args).MemoryLimitBytes);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("1g")]
    [InlineData("64m")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    public void Memory_limit_that_is_not_a_positive_whole_number_of_megabytes_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -m/--memory-limit: expected a whole number of megabytes greater than 0, without a suffix",
            Error("-m", value));

    [Fact]
    public void Memory_limit_minus_five_is_an_error_naming_the_flag() =>
        Assert.Equal("invalid value '-5' for -m/--memory-limit: expected a whole number of megabytes greater than 0, without a suffix", Error("-m", "-5"));

    [Fact]
    public void Conn_limit_is_parsed() => Assert.Equal(50, Options("-c", "50").MaxConnections);

    [Fact]
    public void Conn_limit_zero_is_an_error() =>
        Assert.Equal($"invalid value '0' for -c/--conn-limit: expected a whole number from 1 to {int.MaxValue}", Error("-c", "0"));

    [Fact]
    public void Threads_is_parsed() => Assert.Equal(2, Options("-t", "2").Threads);

    [Fact]
    public void Threads_that_is_not_a_number_is_an_error() =>
        Assert.Equal($"invalid value 'abc' for -t/--threads: expected a whole number from 1 to {int.MaxValue}", Error("-t", "abc"));

    [Fact]
    public void Many_threads_are_accepted_with_memcacheds_warning()
    {
        var parsed = Parse("-t", "65");
        Assert.Equal(65, parsed.Options.Threads);
        Assert.Single(parsed.Warnings);
    }

    [Theory]
    [InlineData("2048", 2048)]
    [InlineData("512k", 512 * 1024)]
    [InlineData("512K", 512 * 1024)]
    [InlineData("2m", 2 * 1024 * 1024)]
    [InlineData("2M", 2 * 1024 * 1024)]
    [InlineData("1024m", 1024 * 1024 * 1024)]
    public void Max_item_size_takes_bytes_or_k_and_m_suffixes(string value, int expected) =>
        Assert.Equal(expected, Options("-I", value).MaxItemSize);

    [Theory]
    [InlineData("2x")]
    [InlineData("1g")]
    [InlineData("m")]
    [InlineData("")]
    [InlineData("-1m")]
    [InlineData("4096m")]
    [InlineData("1.5m")]
    public void Max_item_size_that_is_not_a_size_is_an_error(string value) =>
        Assert.Equal(
            $"invalid value '{value}' for -I/--max-item-size: expected a size in bytes with an optional k or m suffix, like 1m or 512k",
            Error("-I", value));

    [Fact]
    public void Max_item_size_glued_with_suffix_is_parsed() => Assert.Equal(2 * 1024 * 1024, Options("-I2m").MaxItemSize);

    [Fact]
    public void Switches_set_their_options()
    {
        var parsed = Parse("-M", "-C", "-A", "-F", "-d");
        Assert.True(parsed.Options.DisableEvictions);
        Assert.True(parsed.Options.DisableCas);
        Assert.True(parsed.Options.EnableShutdownCommand);
        Assert.True(parsed.Options.DisableFlushAll);
        Assert.True(parsed.Daemonize);
    }

    [Fact]
    public void Switches_bundle_like_getopt()
    {
        var parsed = Parse("-MCAFd");
        Assert.True(parsed.Options.DisableEvictions && parsed.Options.DisableCas && parsed.Options.EnableShutdownCommand);
        Assert.True(parsed.Options.DisableFlushAll && parsed.Daemonize);
    }

    [Fact]
    public void Long_switches_set_their_options()
    {
        var parsed = Parse("--disable-evictions", "--disable-cas", "--enable-shutdown", "--disable-flush-all", "--daemon");
        Assert.True(parsed.Options.DisableEvictions && parsed.Options.DisableCas && parsed.Options.EnableShutdownCommand);
        Assert.True(parsed.Options.DisableFlushAll && parsed.Daemonize);
    }

    [Fact]
    public void Requests_per_event_is_parsed() => Assert.Equal(50, Options("-R", "50").RequestsPerEvent);

    [Fact]
    public void Requests_per_event_zero_is_an_error() =>
        Assert.Equal($"invalid value '0' for -R/--max-reqs-per-event: expected a whole number from 1 to {int.MaxValue}", Error("-R", "0"));

    [Fact]
    public void Backlog_is_parsed() => Assert.Equal(4096, Options("-b", "4096").Backlog);

    [Fact]
    public void Backlog_that_is_not_a_number_is_an_error() =>
        Assert.Equal($"invalid value 'abc' for -b/--listen-backlog: expected a whole number from 1 to {int.MaxValue}", Error("-b", "abc"));

    [Theory]
    [InlineData("auto", ProtocolMode.Auto)]
    [InlineData("ascii", ProtocolMode.Ascii)]
    [InlineData("binary", ProtocolMode.Binary)]
    public void Protocol_is_parsed(string value, ProtocolMode expected) => Assert.Equal(expected, Options("-B", value).Protocol);

    [Theory]
    [InlineData("foo")]
    [InlineData("ASCII")]
    public void Protocol_other_than_auto_ascii_binary_is_an_error(string value) =>
        Assert.Equal($"invalid value '{value}' for -B/--protocol: expected one of auto, binary, or ascii", Error("-B", value));

    [Theory]
    [InlineData(new[] { "-v" }, 1)]
    [InlineData(new[] { "-vv" }, 2)]
    [InlineData(new[] { "-vvv" }, 3)]
    [InlineData(new[] { "-v", "-v" }, 2)]
    [InlineData(new[] { "-v", "-vv" }, 3)]
    [InlineData(new[] { "-vvvv" }, 3)]
    [InlineData(new[] { "--verbose" }, 1)]
    [InlineData(new[] { "--verbose", "--verbose" }, 2)]
    [InlineData(new[] { "--verbose=3" }, 3)]
    public void Verbosity_counts_v_flags(string[] args, int expected) => Assert.Equal(expected, Options(args).Verbosity);

    [Fact]
    public void Verbose_level_out_of_range_is_an_error() =>
        Assert.Equal("invalid value '9' for -v/--verbose: expected a verbosity level from 0 to 3", Error("--verbose=9"));

    [Fact]
    public void Pid_file_is_parsed() => Assert.Equal("/run/hoard.pid", Parse("-P", "/run/hoard.pid").PidFile);

    [Fact]
    public void User_is_parsed() => Assert.Equal("nobody", Parse("--user=nobody").User);

    [Fact]
    public void Empty_user_is_an_error() =>
        Assert.Equal("invalid value '' for -u/--user: expected a user name", Error("-u", ""));

    [Fact]
    public void Extended_idle_timeout_is_parsed() =>
        Assert.Equal(TimeSpan.FromSeconds(600), Options("-o", "idle_timeout=600").IdleTimeout);

    [Fact]
    public void Extended_long_form_is_parsed() =>
        Assert.Equal(TimeSpan.FromSeconds(7), Options("--extended=modern,idle_timeout=7").IdleTimeout);

    [Theory]
    [InlineData("-h", "ShowHelp")]
    [InlineData("--help", "ShowHelp")]
    [InlineData("-V", "ShowVersion")]
    [InlineData("--version", "ShowVersion")]
    [InlineData("-i", "ShowLicense")]
    public void Help_version_and_license_are_actions(string flag, string expected) =>
        Assert.Equal(expected, Parse(flag).Action.ToString());

    [Fact]
    public void Help_stops_the_scan_like_memcached() =>
        Assert.Equal(ServerCommandAction.ShowHelp, Parse("-p", "1", "-h", "-T").Action);

    [Fact]
    public void Error_before_help_is_still_reported() =>
        Assert.Equal("invalid option -- 'T'", Error("-T", "-h"));

    [Theory]
    [InlineData(new[] { "-k" }, "-k/--lock-memory")]
    [InlineData(new[] { "-r" }, "-r/--enable-coredumps")]
    [InlineData(new[] { "-L" }, "-L/--enable-largepages")]
    [InlineData(new[] { "-X" }, "-X/--disable-dumping")]
    [InlineData(new[] { "-W" }, "-W/--disable-watch")]
    [InlineData(new[] { "-f", "1.5" }, "-f/--slab-growth-factor")]
    [InlineData(new[] { "-n", "64" }, "-n/--slab-min-size")]
    [InlineData(new[] { "-D", ":" }, "-D")]
    [InlineData(new[] { "-e", "/dev/shm/hoard" }, "-e/--memory-file")]
    [InlineData(new[] { "-N", "2" }, "-N/--napi-ids")]
    public void Memcached_flags_hoard_does_not_implement_are_accepted_with_a_warning(string[] args, string flag)
    {
        var warning = Assert.Single(Parse(args).Warnings);
        Assert.StartsWith($"warning: {flag} ignored: ", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "-f", "0.5" }, "invalid value '0.5' for -f/--slab-growth-factor: expected a decimal number greater than 1, like 1.25")]
    [InlineData(new[] { "-n", "x" }, "invalid value 'x' for -n/--slab-min-size: expected a whole number from 1 to 2147483647")]
    [InlineData(new[] { "-D", "" }, "invalid value '' for -D: expected a delimiter character")]
    public void Ignored_flags_still_reject_malformed_values(string[] args, string message) => Assert.Equal(message, Error(args));

    [Fact]
    public void Sasl_is_turned_on_with_its_password_file_from_o()
    {
        var options = Options("-S", "-o", "sasl_pwdb=/etc/hoard/sasl");
        Assert.True(options.SaslEnabled);
        Assert.Equal("/etc/hoard/sasl", options.SaslPasswordFile);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Sasl_without_a_password_file_is_a_validation_error() =>
        Assert.Contains(Options("--enable-sasl").Validate(), p => p.StartsWith("SASL (-S) needs a password file", StringComparison.Ordinal));

    [Fact]
    public void Ascii_auth_file_is_parsed()
    {
        var options = Options("--auth-file=/etc/hoard/auth");
        Assert.Equal("/etc/hoard/auth", options.AsciiAuthFile);
        Assert.True(options.AuthenticationRequired);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Ascii_auth_file_must_not_be_empty() =>
        Assert.Equal("invalid value '' for -Y/--auth-file: expected a password file path", Error("-Y", ""));

    [Theory]
    [InlineData(new[] { "-S", "-o", "sasl_pwdb=/a", "-Y", "/b" }, "cannot be combined")]
    [InlineData(new[] { "-S", "-o", "sasl_pwdb=/a", "-B", "ascii" }, "SASL authentication (-S) needs the binary protocol")]
    [InlineData(new[] { "-Y", "/b", "-B", "binary" }, "ASCII authentication (-Y) cannot be used with -B binary")]
    public void Authentication_combinations_that_cannot_work_are_validation_errors(string[] args, string problem) =>
        Assert.Contains(Options(args).Validate(), p => p.Contains(problem, StringComparison.Ordinal));

    [Fact]
    public void T_is_not_a_memcached_flag() => Assert.Equal("invalid option -- 'T'", Error("-T"));

    [Fact]
    public void Every_memcached_flag_is_in_the_table()
    {
        // memcached 1.6.18's getopt string.
        const string Letters = "aAZpsUmMckhiVrvdluPfntDLRCbBISFXWYeoN";
        Assert.Equal(Letters.Order(), ServerFlags.All.Select(f => f.Letter).Order());
    }

    [Fact]
    public void A_typical_memcached_command_line_parses()
    {
        var parsed = Parse("-u", "memcache", "-m", "1024", "-p", "11211", "-l", "0.0.0.0", "-c", "4096", "-t", "2", "-vv", "-o", "idle_timeout=300");
        Assert.Equal("memcache", parsed.User);
        Assert.Equal(1024L * 1024 * 1024, parsed.Options.MemoryLimitBytes);
        Assert.Equal(["0.0.0.0"], parsed.Options.ListenAddresses);
        Assert.Equal(4096, parsed.Options.MaxConnections);
        Assert.Equal(2, parsed.Options.Threads);
        Assert.Equal(2, parsed.Options.Verbosity);
        Assert.Equal(TimeSpan.FromMinutes(5), parsed.Options.IdleTimeout);
    }

    [Fact]
    public void Udp_with_ascii_authentication_is_refused_as_memcached_refuses_it() =>
        Assert.Contains(
            "UDP (-U) cannot be used with ASCII authentication (-Y): datagrams cannot authenticate; use -U 0",
            Options("-U", "11300", "-Y", "/etc/hoard/users").Validate());

    [Fact]
    public void Udp_with_sasl_is_refused_as_memcached_refuses_it() =>
        Assert.Contains(
            "UDP (-U) cannot be used with SASL authentication (-S): datagrams cannot authenticate; use -U 0",
            Options("-U", "11300", "-S", "-o", "sasl_pwdb=/etc/hoard/users").Validate());

    [Fact]
    public void Udp_reply_bound_below_one_datagram_is_refused() =>
        Assert.Contains(
            "udp_max_reply_bytes 100 is out of range 1392-67108864",
            Options("-o", "udp_max_reply_bytes=100").Validate());
}
