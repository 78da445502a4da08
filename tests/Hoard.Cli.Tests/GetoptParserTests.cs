using Hoard.Cli.Getopt;

namespace Hoard.Cli.Tests;

public class GetoptParserTests
{
    private static readonly GetoptOption Port = new('p', "port", GetoptArgument.Required);
    private static readonly GetoptOption Verbose = new('v', "verbose", GetoptArgument.Optional);
    private static readonly GetoptOption Daemon = new('d', "daemon", GetoptArgument.None);
    private static readonly GetoptOption DisableCas = new('C', "disable-cas", GetoptArgument.None);
    private static readonly GetoptOption DisableFlush = new('F', "disable-flush-all", GetoptArgument.None);
    private static readonly GetoptOption[] Options = [Port, Verbose, Daemon, DisableCas, DisableFlush];

    private static List<(char?, string?)> Parse(params string[] args) =>
        GetoptParser.Parse(args, Options).Select(m => (m.Option.ShortName, m.Value)).ToList();

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineUsageException>(() => Parse(args)).Message;

    [Theory]
    [InlineData("-p 11211")]
    [InlineData("-p11211")]
    [InlineData("--port=11211")]
    [InlineData("--port 11211")]
    [InlineData("--po=11211")]
    public void Value_is_read_glued_separate_long_and_abbreviated(string commandLine)
    {
        var args = commandLine.Split(' ');
        Assert.Equal([('p', "11211")], Parse(args));
    }

    [Fact]
    public void Switches_bundle_and_a_value_flag_ends_the_bundle()
    {
        Assert.Equal([('d', null), ('v', null), ('p', "5")], Parse("-dvp5"));
        Assert.Equal([('d', null), ('p', "5")], Parse("-dp", "5"));
    }

    [Fact]
    public void Repeated_short_letters_are_separate_matches()
    {
        Assert.Equal([('v', null), ('v', null), ('v', null)], Parse("-vvv"));
    }

    [Fact]
    public void Required_value_is_the_next_word_even_when_it_starts_with_a_dash()
    {
        Assert.Equal([('p', "-5")], Parse("-p", "-5"));
    }

    [Fact]
    public void Optional_value_is_only_taken_after_equals_on_the_long_form()
    {
        Assert.Equal([('v', "2")], Parse("--verbose=2"));
        Assert.Equal([('v', null), ('d', null)], Parse("--verbose", "-d"));
        Assert.Equal([('v', null), ('d', null)], Parse("-vd"));
    }

    [Fact]
    public void Empty_value_after_equals_is_an_empty_string()
    {
        Assert.Equal([('p', "")], Parse("--port="));
    }

    [Fact]
    public void Double_dash_at_the_end_is_ignored()
    {
        Assert.Equal([('d', null)], Parse("-d", "--"));
    }

    [Fact]
    public void Unknown_short_flag_is_an_error_naming_it() => Assert.Equal("invalid option -- 'T'", Error("-T"));

    [Fact]
    public void Unknown_letter_inside_a_bundle_is_an_error_naming_it() => Assert.Equal("invalid option -- 'x'", Error("-dx"));

    [Fact]
    public void Unknown_long_flag_is_an_error_naming_it() => Assert.Equal("unrecognized option '--bogus'", Error("--bogus=1"));

    [Fact]
    public void Missing_short_value_is_an_error_naming_the_flag() => Assert.Equal("option requires an argument -- 'p'", Error("-p"));

    [Fact]
    public void Missing_long_value_is_an_error_naming_the_flag() => Assert.Equal("option '--port' requires an argument", Error("--port"));

    [Fact]
    public void Value_given_to_a_switch_is_an_error() =>
        Assert.Equal("option '--daemon' doesn't allow an argument", Error("--daemon=yes"));

    [Fact]
    public void Ambiguous_abbreviation_lists_the_candidates() =>
        Assert.Equal("option '--dis' is ambiguous; possibilities: '--disable-cas' '--disable-flush-all'", Error("--dis"));

    [Fact]
    public void Operand_is_an_error() =>
        Assert.Equal("unexpected argument 'foo' (hoard server takes only options)", Error("-d", "foo"));

    [Fact]
    public void Operand_after_double_dash_is_an_error() =>
        Assert.Equal("unexpected argument '-p' (hoard server takes only options)", Error("--", "-p", "1"));

    [Fact]
    public void Lone_dash_is_an_error() =>
        Assert.Equal("unexpected argument '-' (hoard server takes only options)", Error("-"));

    [Fact]
    public void Matches_come_in_order_and_stop_being_read_when_the_caller_stops()
    {
        // An error after the point where the caller stops (memcached stops at -h) is never reached.
        var first = GetoptParser.Parse(["-d", "-T"], Options).First();
        Assert.Equal('d', first.Option.ShortName);
    }

    [Fact]
    public void Spelling_records_how_the_flag_was_written()
    {
        Assert.Equal("-p", GetoptParser.Parse(["-p1"], Options).Single().Spelling);
        Assert.Equal("--port", GetoptParser.Parse(["--po=1"], Options).Single().Spelling);
    }
}
