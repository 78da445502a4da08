using System.Text;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Tests.Text;

public class TextCommandParserTests
{
    private static readonly ParserLimits Limits = new(2048, 64 * 1024, 1024 * 1024);

    private static (ParseStatus Status, TextCommandKind Kind, ProtocolError Error, int Consumed) Parse(string text)
    {
        var status = TextCommandParser.TryParse(Encoding.ASCII.GetBytes(text), in Limits, out var command, out int consumed);
        return (status, command.Kind, command.Error, consumed);
    }

    [Fact]
    public void Set_with_data_block_is_parsed_in_place()
    {
        var bytes = Encoding.ASCII.GetBytes("set key 5 100 3 noreply\r\nabc\r\nget key\r\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out int consumed));
        Assert.Equal(TextCommandKind.Set, command.Kind);
        Assert.Equal("key", Encoding.ASCII.GetString(command.Key));
        Assert.Equal(5u, command.Flags);
        Assert.Equal(100, command.Exptime);
        Assert.Equal("abc", Encoding.ASCII.GetString(command.Value));
        Assert.True(command.NoReply);
        Assert.Equal("set key 5 100 3 noreply\r\nabc\r\n".Length, consumed);
    }

    [Fact]
    public void Cas_reads_its_unique_token()
    {
        var bytes = Encoding.ASCII.GetBytes("cas k 0 0 1 987654321\r\nx\r\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out _));
        Assert.Equal(987654321ul, command.CasUnique);
    }

    [Theory]
    [InlineData("set k 0 0 5\r\nhel")]
    [InlineData("set k 0 0 5\r\nhello\r")]
    [InlineData("get k")]
    [InlineData("")]
    public void Partial_commands_are_incomplete_and_consume_nothing(string text)
    {
        var (status, _, _, consumed) = Parse(text);
        Assert.Equal(ParseStatus.Incomplete, status);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Bare_newline_line_endings_are_accepted()
    {
        var bytes = Encoding.ASCII.GetBytes("get a b\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out _));
        Assert.Equal("a b", Encoding.ASCII.GetString(command.Keys));
    }

    [Theory]
    [InlineData("bogus\r\n", ProtocolError.UnknownCommand)]
    [InlineData("\r\n", ProtocolError.UnknownCommand)]
    [InlineData("get\r\n", ProtocolError.UnknownCommand)]
    [InlineData("set k 0 0\r\n", ProtocolError.UnknownCommand)]
    [InlineData("set k 0 0 abc\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("set k abc 0 1\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("set k 0 0 -1\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("set k 4294967296 0 1\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("incr k abc\r\n", ProtocolError.InvalidDelta)]
    [InlineData("incr k -1\r\n", ProtocolError.InvalidDelta)]
    [InlineData("touch k abc\r\n", ProtocolError.InvalidExptime)]
    [InlineData("gat abc k\r\n", ProtocolError.InvalidExptime)]
    [InlineData("flush_all abc\r\n", ProtocolError.InvalidExptime)]
    [InlineData("delete k 5\r\n", ProtocolError.DeleteUsage)]
    [InlineData("verbosity\r\n", ProtocolError.UnknownCommand)]
    [InlineData("ms k abc\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("ms k\r\n", ProtocolError.BadCommandLineFormat)]
    [InlineData("mg\r\n", ProtocolError.UnknownCommand)]
    [InlineData("ms\r\n", ProtocolError.UnknownCommand)]
    public void Malformed_commands_get_memcacheds_error(string text, ProtocolError expected)
    {
        var (status, _, error, _) = Parse(text);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Error_replies_are_memcacheds_strings()
    {
        Assert.Equal("ERROR\r\n", Encoding.ASCII.GetString(ProtocolError.UnknownCommand.Reply()));
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", Encoding.ASCII.GetString(ProtocolError.BadCommandLineFormat.Reply()));
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", Encoding.ASCII.GetString(ProtocolError.BadDataChunk.Reply()));
        Assert.Equal("SERVER_ERROR object too large for cache\r\n", Encoding.ASCII.GetString(ProtocolError.ObjectTooLarge.Reply()));
    }

    [Fact]
    public void Wrong_data_block_terminator_is_a_bad_data_chunk_and_skips_the_block()
    {
        const string text = "set k 0 0 3\r\nabcde\r\n";
        var (status, _, error, consumed) = Parse(text);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ProtocolError.BadDataChunk, error);
        Assert.Equal("set k 0 0 3\r\n".Length + 5, consumed);
    }

    [Fact]
    public void Key_over_250_bytes_is_refused()
    {
        var (status, _, error, _) = Parse($"set {new string('k', 251)} 0 0 1\r\nx\r\n");
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ProtocolError.BadCommandLineFormat, error);
        Assert.Equal(ParseStatus.Complete, Parse($"set {new string('k', 250)} 0 0 1\r\nx\r\n").Status);
    }

    [Fact]
    public void Key_with_control_characters_is_refused()
    {
        Assert.False(TextCommandParser.IsValidKey("a\u0001b"u8));
        Assert.False(TextCommandParser.IsValidKey("a\u007fb"u8));
        Assert.True(TextCommandParser.IsValidKey("user:42"u8));
    }

    [Fact]
    public void Value_over_the_limit_is_refused_before_its_data_arrives()
    {
        var bytes = Encoding.ASCII.GetBytes("set k 0 0 2000000\r\n");
        Assert.Equal(ParseStatus.Error, TextCommandParser.TryParse(bytes, in Limits, out var command, out int consumed));
        Assert.Equal(ProtocolError.ObjectTooLarge, command.Error);
        Assert.Equal(2_000_002, command.SwallowBytes);
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void Long_line_without_newline_is_an_error_unless_it_is_a_retrieval()
    {
        var junk = Parse(new string('x', 3000));
        Assert.Equal(ParseStatus.Error, junk.Status);
        Assert.Equal(ProtocolError.LineTooLong, junk.Error);

        var longGet = "get " + string.Join(' ', Enumerable.Range(0, 400).Select(i => "key" + i));
        Assert.Equal(ParseStatus.Incomplete, Parse(longGet).Status);
        Assert.Equal(ParseStatus.Complete, Parse(longGet + "\r\n").Status);
    }

    [Theory]
    [InlineData("delete k\r\n", false)]
    [InlineData("delete k 0\r\n", false)]
    [InlineData("delete k noreply\r\n", true)]
    [InlineData("delete k 0 noreply\r\n", true)]
    public void Delete_accepts_memcacheds_forms(string text, bool noReply)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out _));
        Assert.Equal(noReply, command.NoReply);
    }

    [Theory]
    [InlineData("flush_all\r\n", 0, false)]
    [InlineData("flush_all 10\r\n", 10, false)]
    [InlineData("flush_all noreply\r\n", 0, true)]
    [InlineData("flush_all 10 noreply\r\n", 10, true)]
    public void Flush_all_takes_optional_delay_and_noreply(string text, long delay, bool noReply)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out _));
        Assert.Equal(delay, command.Exptime);
        Assert.Equal(noReply, command.NoReply);
    }

    [Fact]
    public void Meta_set_frames_its_data_block()
    {
        var bytes = Encoding.ASCII.GetBytes("ms key 2 T90 F1\r\nhi\r\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out int consumed));
        Assert.Equal(TextCommandKind.MetaSet, command.Kind);
        Assert.Equal("T90 F1", Encoding.ASCII.GetString(command.Arguments));
        Assert.Equal("hi", Encoding.ASCII.GetString(command.Value));
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void Random_garbage_never_throws_and_always_makes_progress()
    {
        var random = new Random(1234);
        var alphabet = Encoding.ASCII.GetBytes("getsadcmnr 0123456789\r\n\u0000\u00ff-");
        for (int round = 0; round < 20_000; round++)
        {
            var bytes = new byte[random.Next(1, 200)];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = alphabet[random.Next(alphabet.Length)];
            var status = TextCommandParser.TryParse(bytes, in Limits, out _, out int consumed);
            Assert.InRange(consumed, 0, bytes.Length);
            if (status != ParseStatus.Incomplete)
                Assert.True(consumed > 0, "a complete or refused command must consume bytes");
        }
    }

    [Fact]
    public void Search_can_resume_where_an_earlier_call_found_no_newline()
    {
        var bytes = Encoding.ASCII.GetBytes("get a b c\r\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, 7, out var command, out int consumed));
        Assert.Equal("a b c", Encoding.ASCII.GetString(command.Keys));
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void Key_tokenizer_skips_repeated_spaces()
    {
        var tokens = new KeyTokenizer("  a   bb c  "u8);
        var seen = new List<string>();
        while (tokens.TryNext(out var token))
            seen.Add(Encoding.ASCII.GetString(token));
        Assert.Equal(["a", "bb", "c"], seen);
    }

    [Theory]
    [InlineData("refresh_certs\r\n", false)]
    [InlineData("refresh_certs noreply\r\n", true)]
    [InlineData("refresh_certs extra words\r\n", false)]
    [InlineData("refresh_certs extra noreply\r\n", true)]
    public void Refresh_certs_ignores_arguments_but_a_last_noreply(string text, bool noReply)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(bytes, in Limits, out var command, out int consumed));
        Assert.Equal(TextCommandKind.RefreshCerts, command.Kind);
        Assert.Equal(noReply, command.NoReply);
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void Refresh_certs_misspelled_is_unknown() =>
        Assert.Equal(ProtocolError.UnknownCommand, Parse("refresh_cert\r\n").Error);
}
