using System.Text;
using Hoard.Client.Connections;
using Hoard.Protocol.Text;
using Hoard.Router.Deletes;
using Hoard.Router.Requests;

namespace Hoard.Router.Tests.Routes;

public sealed class RequestAndReplyTests
{
    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    [Fact]
    public void Text_requests_are_written_as_memcached_reads_them()
    {
        Assert.Equal("get k\r\n", Text(RouterRequest.Retrieval(RouterOperation.Get, "k"u8.ToArray()).Serialize()));
        Assert.Equal("gat 30 k\r\n", Text(RouterRequest.Retrieval(RouterOperation.Gat, "k"u8.ToArray(), 30).Serialize()));
        Assert.Equal("cas k 5 60 2 99\r\nab\r\n", Text(RouterRequest.Storage(RouterOperation.Cas, "k"u8.ToArray(), 5, 60, "ab"u8.ToArray(), 99).Serialize()));
        Assert.Equal("decr k 3\r\n", Text(RouterRequest.Arithmetic(RouterOperation.Decr, "k"u8.ToArray(), 3).Serialize()));
        Assert.Equal("touch k 9\r\n", Text(RouterRequest.Touch("k"u8.ToArray(), 9).Serialize()));
        Assert.Equal("delete k\r\n", Text(RouterRequest.Delete("k"u8.ToArray()).Serialize()));
    }

    [Fact]
    public void Meta_requests_keep_their_flags_and_base64_keys()
    {
        var set = RouterRequest.Meta(RouterOperation.MetaSet, "k"u8.ToArray(), false, ["T60", "F3", "O42"], "abc"u8.ToArray());
        Assert.Equal("ms k 3 T60 F3 O42\r\nabc\r\n", Text(set.Serialize()));
        Assert.Equal(60, set.Exptime);
        Assert.Equal("ms k 3 F3 O42 T5\r\nabc\r\n", Text(set.WithExptime(5).Serialize()));
        var binary = RouterRequest.Meta(RouterOperation.MetaGet, [0x00, 0xff, 0x10], true, ["b", "v"], default);
        Assert.Equal("mg AP8Q b v\r\n", Text(binary.Serialize()));
    }

    [Theory]
    [InlineData(ReplyFraming.Line, "STORED\r\n", 8)]
    [InlineData(ReplyFraming.Line, "STOR", -1)]
    [InlineData(ReplyFraming.Retrieval, "END\r\n", 5)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 2\r\nab\r\nEND\r\n", 22)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 2\r\nab\r\nVALUE j 1 1 7\r\nc\r\nEND\r\nNEXT", 40)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 2\r\nab\r\nEN", -1)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 10\r\nab\r\n", -1)]
    [InlineData(ReplyFraming.Retrieval, "SERVER_ERROR out of memory\r\n", 28)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 x\r\n", -2)]
    [InlineData(ReplyFraming.Retrieval, "VALUE k 0 2\r\nabcdEND\r\n", -2)]
    [InlineData(ReplyFraming.Meta, "VA 3 f0\r\nabc\r\nHD\r\n", 14)]
    [InlineData(ReplyFraming.Meta, "HD k1 O5\r\n", 10)]
    [InlineData(ReplyFraming.Meta, "VA 3\r\nab", -1)]
    public void Reply_framing_finds_where_a_reply_ends(ReplyFraming framing, string reply, int expected)
    {
        var status = ForwardOperation.FindEnd(Encoding.ASCII.GetBytes(reply), framing, out int consumed);
        switch (expected)
        {
            case -1:
                Assert.Equal(ParseStatus.Incomplete, status);
                break;
            case -2:
                Assert.Equal(ParseStatus.Error, status);
                break;
            default:
                Assert.Equal(ParseStatus.Complete, status);
                Assert.Equal(expected, consumed);
                break;
        }
    }

    [Theory]
    [InlineData(RouterOperation.Get, "VALUE k 0 1\r\nx\r\nEND\r\n", ReplyResult.Hit)]
    [InlineData(RouterOperation.Get, "END\r\n", ReplyResult.Miss)]
    [InlineData(RouterOperation.Set, "STORED\r\n", ReplyResult.Stored)]
    [InlineData(RouterOperation.Add, "NOT_STORED\r\n", ReplyResult.NotStored)]
    [InlineData(RouterOperation.Cas, "EXISTS\r\n", ReplyResult.Exists)]
    [InlineData(RouterOperation.Delete, "NOT_FOUND\r\n", ReplyResult.NotFound)]
    [InlineData(RouterOperation.Incr, "42\r\n", ReplyResult.Done)]
    [InlineData(RouterOperation.Set, "SERVER_ERROR out of memory\r\n", ReplyResult.RemoteError)]
    [InlineData(RouterOperation.Set, "CLIENT_ERROR bad data chunk\r\n", ReplyResult.ClientError)]
    [InlineData(RouterOperation.MetaGet, "VA 1\r\nx\r\n", ReplyResult.Hit)]
    [InlineData(RouterOperation.MetaGet, "EN\r\n", ReplyResult.Miss)]
    [InlineData(RouterOperation.MetaGet, "HD\r\n", ReplyResult.Hit)]
    [InlineData(RouterOperation.MetaSet, "NS\r\n", ReplyResult.NotStored)]
    [InlineData(RouterOperation.MetaDelete, "HD\r\n", ReplyResult.Deleted)]
    [InlineData(RouterOperation.MetaDelete, "NF\r\n", ReplyResult.NotFound)]
    public void Server_replies_are_classified(RouterOperation operation, string reply, ReplyResult expected)
    {
        var request = RouterRequest.Retrieval(operation, "k"u8.ToArray());
        Assert.Equal(expected, RouterReply.FromServer(Encoding.ASCII.GetBytes(reply), request).Result);
    }

    [Fact]
    public void A_reply_line_from_an_error_message_cannot_be_split()
    {
        var reply = RouterReply.Failure(ReplyResult.LocalError, "bad\r\nSTORED");
        Assert.Equal("SERVER_ERROR bad  STORED\r\n", Text(reply.Bytes));
    }

    [Fact]
    public void Delete_log_survives_a_restart_and_skips_torn_lines()
    {
        var directory = Directory.CreateTempSubdirectory("hoard-deletelog-").FullName;
        try
        {
            string path = Path.Combine(directory, "deletes.log");
            using (var log = new DeleteLog(path))
            {
                log.Append("10.0.0.1:11211", RouterRequest.Delete("a"u8.ToArray()));
                log.Append("10.0.0.1:11211", RouterRequest.Meta(RouterOperation.MetaDelete, "b"u8.ToArray(), false, [], default));
                log.Append("10.0.0.2:11211", RouterRequest.Delete("c"u8.ToArray()));
            }
            File.AppendAllText(path, "10.0.0.9:11211\tnot-base64!\t0\ngarbage line\n10.0.0.3:1\tZGVsZXRl"); // torn last line
            using (var reopened = new DeleteLog(path))
            {
                Assert.Equal(3, reopened.Depth);
                Assert.Equal(3, reopened.SkippedLines);
                var first = reopened.PendingFor("10.0.0.1:11211");
                Assert.Equal(["delete a\r\n", "md b\r\n"], first.Select(e => Text(e.Request)));
                Assert.Equal(ReplyFraming.Meta, first[1].Framing);
                reopened.Delivered(first);
                Assert.Equal(1, reopened.Depth);
            }
            using var third = new DeleteLog(path);
            Assert.Equal(0, third.SkippedLines);
            Assert.Equal(["delete c\r\n"], third.PendingFor("10.0.0.2:11211").Select(e => Text(e.Request)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
