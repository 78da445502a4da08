using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Tests.Meta;

public sealed class MetaReplyParserTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void Value_reply_with_flags_is_parsed_with_its_data_block()
    {
        var input = B("VA 5 f30 c99 t-1 W\r\nhello\r\nHD\r\n");
        Assert.Equal(ParseStatus.Complete, MetaReplyParser.TryParse(input, out var reply, out int consumed));
        Assert.Equal(ReplyKind.Meta, reply.Kind);
        Assert.Equal(MetaStatus.Value, reply.Status);
        Assert.Equal("hello", Encoding.ASCII.GetString(reply.Value));
        Assert.Equal(30u, reply.ClientFlags);
        Assert.Equal(99ul, reply.Cas);
        Assert.Equal(-1, reply.TimeToLive);
        Assert.True(reply.Win);
        Assert.False(reply.Stale);
        Assert.Equal("VA 5 f30 c99 t-1 W\r\nhello\r\n".Length, consumed);
    }

    [Theory]
    [InlineData("HD\r\n", MetaStatus.Header)]
    [InlineData("EN\r\n", MetaStatus.End)]
    [InlineData("NF\r\n", MetaStatus.NotFound)]
    [InlineData("NS\r\n", MetaStatus.NotStored)]
    [InlineData("EX c5\r\n", MetaStatus.Exists)]
    [InlineData("MN\r\n", MetaStatus.NoOp)]
    [InlineData("HD X Z c1\r\n", MetaStatus.Header)]
    public void Status_lines_are_recognised(string text, MetaStatus status)
    {
        Assert.Equal(ParseStatus.Complete, MetaReplyParser.TryParse(B(text), out var reply, out int consumed));
        Assert.Equal(status, reply.Status);
        Assert.Equal(text.Length, consumed);
    }

    [Theory]
    [InlineData("ERROR\r\n", ReplyKind.Error, "")]
    [InlineData("CLIENT_ERROR bad data chunk\r\n", ReplyKind.ClientError, "bad data chunk")]
    [InlineData("SERVER_ERROR out of memory storing object\r\n", ReplyKind.ServerError, "out of memory storing object")]
    public void Error_lines_carry_their_message(string text, ReplyKind kind, string message)
    {
        Assert.Equal(ParseStatus.Complete, MetaReplyParser.TryParse(B(text), out var reply, out _));
        Assert.Equal(kind, reply.Kind);
        Assert.Equal(message, Encoding.ASCII.GetString(reply.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HD")]
    [InlineData("HD\r")]
    [InlineData("VA 5 f1\r\n")]
    [InlineData("VA 5 f1\r\nhello")]
    [InlineData("VA 5 f1\r\nhello\r")]
    public void Partial_replies_are_incomplete(string text) =>
        Assert.Equal(ParseStatus.Incomplete, MetaReplyParser.TryParse(B(text), out _, out _));

    [Theory]
    [InlineData("VALUE k 0 1\r\n")]
    [InlineData("HD\n")]
    [InlineData("VA x\r\n")]
    [InlineData("VA -1\r\n")]
    [InlineData("VA 2\r\nabc\r\n")]
    [InlineData("HD fx\r\n")]
    [InlineData("HDX\r\n")]
    [InlineData("STORED\r\n")]
    public void Bytes_that_are_not_a_meta_reply_are_errors(string text) =>
        Assert.Equal(ParseStatus.Error, MetaReplyParser.TryParse(B(text), out _, out _));

    [Fact]
    public void A_line_longer_than_the_limit_without_newline_is_an_error_not_a_wait() =>
        Assert.Equal(ParseStatus.Error, MetaReplyParser.TryParse(new byte[MetaReplyParser.MaxLineLength + 1], out _, out _));

    [Fact]
    public void Random_bytes_never_throw_and_complete_replies_consume_within_the_input()
    {
        var random = new Random(7);
        var seeds = new[] { "VA 3 f1 c2\r\nabc\r\n", "HD c1\r\n", "EN\r\n", "SERVER_ERROR x\r\n", "MN\r\n" };
        int complete = 0;
        for (int i = 0; i < 50_000; i++)
        {
            var bytes = B(seeds[random.Next(seeds.Length)]);
            for (int m = random.Next(4); m > 0; m--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            bytes = bytes[..random.Next(bytes.Length + 1)];
            if (MetaReplyParser.TryParse(bytes, out _, out int consumed) == ParseStatus.Complete)
            {
                complete++;
                Assert.InRange(consumed, 1, bytes.Length);
            }
        }
        Assert.InRange(complete, 1, 49_999);
    }
}
