using System.Text;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>Inputs the fuzzers found, kept as plain regression tests.</summary>
public sealed class FuzzFindingsTests
{
    private static readonly ParserLimits Limits = TextParserFuzzer.Limits;

    [Fact]
    public void Line_at_the_limit_whose_LF_arrives_after_its_CR_is_not_too_long()
    {
        // seed 1, input #2002356: 2048 bytes, then CR; the LF came in the next packet.
        var line = "get " + new string('k', Limits.MaxLineLength - 4);
        var first = Encoding.ASCII.GetBytes("x" + line[1..] + "\r");
        Assert.Equal(ParseStatus.Incomplete, TextCommandParser.TryParse(first, in Limits, out _, out int consumed));
        Assert.Equal(0, consumed);
        var whole = Encoding.ASCII.GetBytes("x" + line[1..] + "\r\n");
        Assert.Equal(ParseStatus.Error, TextCommandParser.TryParse(whole, in Limits, out var command, out consumed));
        Assert.Equal(ProtocolError.UnknownCommand, command.Error);
        Assert.Equal(whole.Length, consumed);
    }

    [Fact]
    public void Line_one_byte_over_the_limit_is_too_long_with_or_without_its_newline()
    {
        var line = "x" + new string('k', Limits.MaxLineLength);
        Assert.Equal(ParseStatus.Error, TextCommandParser.TryParse(Encoding.ASCII.GetBytes(line + "\r"), in Limits, out var partial, out _));
        Assert.Equal(ProtocolError.LineTooLong, partial.Error);
        Assert.Equal(ParseStatus.Error, TextCommandParser.TryParse(Encoding.ASCII.GetBytes(line + "\r\n"), in Limits, out var whole, out _));
        Assert.Equal(ProtocolError.LineTooLong, whole.Error);
    }

    [Fact]
    public void Long_retrieval_after_many_leading_spaces_is_judged_the_same_whole_or_in_pieces()
    {
        // seed 20261122, input #134835: 2,376 spaces were "too long" in pieces but a retrieval once "gats" arrived.
        var text = new string(' ', 2400) + "gats 0 k\r\n";
        var whole = TextCommandParser.TryParse(Encoding.ASCII.GetBytes(text), in Limits, out var command, out _);
        var partial = TextCommandParser.TryParse(Encoding.ASCII.GetBytes(text[..2376]), in Limits, out var partialCommand, out _);
        Assert.Equal(ParseStatus.Error, whole);
        Assert.Equal(ProtocolError.LineTooLong, command.Error);
        Assert.Equal(ParseStatus.Error, partial);
        Assert.Equal(ProtocolError.LineTooLong, partialCommand.Error);
        // A few leading spaces keep the retrieval exception, as in memcached.
        var spaced = Encoding.ASCII.GetBytes("   get " + string.Join(' ', Enumerable.Range(0, 600).Select(i => "k" + i)) + "\r\n");
        Assert.Equal(ParseStatus.Complete, TextCommandParser.TryParse(spaced, in Limits, out _, out _));
    }

    [Fact]
    public void Empty_buffer_is_incomplete()
    {
        Assert.Equal(ParseStatus.Incomplete, TextCommandParser.TryParse([], in Limits, out _, out int consumed));
        Assert.Equal(0, consumed);
    }
}
