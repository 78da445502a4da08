using System.Text;
using Hoard.Router.Requests;
using Hoard.Router.Stats;

namespace Hoard.Router.Tests.Routes;

/// <summary>The multi-get replies of several servers combined as bytes, in the order the client asked.</summary>
public sealed class RetrievalReplyTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static RouterRequest Get(string key) => RouterRequest.Retrieval(RouterOperation.Get, Bytes(key));

    [Fact]
    public void Blocks_are_counted_and_read_with_their_key_and_length()
    {
        var reply = Bytes("VALUE a 0 1\r\n1\r\nVALUE bb 5 3 77\r\nEND\r\nEND\r\n");
        Assert.Equal(2, RetrievalReply.CountValues(reply));
        Assert.True(RetrievalReply.TryReadValue(reply, 0, out var key, out int length));
        Assert.Equal("a", Encoding.ASCII.GetString(key));
        Assert.Equal("VALUE a 0 1\r\n1\r\n".Length, length);
        // A gets reply (cas) whose data itself looks like the end of a reply.
        Assert.True(RetrievalReply.TryReadValue(reply, length, out key, out int second));
        Assert.Equal("bb", Encoding.ASCII.GetString(key));
        Assert.Equal("VALUE bb 5 3 77\r\nEND\r\n".Length, second);
        Assert.False(RetrievalReply.TryReadValue(reply, length + second, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("END\r\n")]
    [InlineData("VALUE a 0 10\r\nshort\r\n")]
    [InlineData("VALUE a 0 3\r\nabcd\r\nEND\r\n")]
    [InlineData("VALUE a 0 x\r\n1\r\nEND\r\n")]
    [InlineData("VALUE a 0 -1\r\n1\r\nEND\r\n")]
    [InlineData("VALUE a\r\n1\r\nEND\r\n")]
    [InlineData("VALUE a 0 1\n1\r\nEND\r\n")]
    [InlineData("SERVER_ERROR out of memory\r\n")]
    public void Garbage_is_no_block(string reply)
    {
        Assert.False(RetrievalReply.TryReadValue(Bytes(reply), 0, out _, out _));
        Assert.Equal(0, RetrievalReply.CountValues(Bytes(reply)));
    }

    [Fact]
    public void Replies_of_two_servers_merge_in_the_order_asked_with_repeated_keys_and_misses()
    {
        // Keys a, c on server 0 (asked "get a a c"), b, d on server 1 ("get b d"; b missed).
        var requests = new[] { Get("a"), Get("b"), Get("a"), Get("c"), Get("d") };
        int[] serverOf = [0, 1, 0, 0, 1];
        byte[][] replies =
        [
            Bytes("VALUE a 0 1\r\n1\r\nVALUE a 0 1\r\n1\r\nVALUE c 0 1\r\n3\r\nEND\r\n"),
            Bytes("VALUE d 0 1\r\n4\r\nEND\r\n"),
        ];
        var statistics = new RouterStatistics();
        var merged = RetrievalReply.Merge(requests, serverOf, replies, statistics);
        Assert.Equal("VALUE a 0 1\r\n1\r\nVALUE a 0 1\r\n1\r\nVALUE c 0 1\r\n3\r\nVALUE d 0 1\r\n4\r\nEND\r\n", Encoding.ASCII.GetString(merged));
        Assert.Equal(4, statistics.GetHits);
        Assert.Equal(1, statistics.GetMisses);
    }

    [Fact]
    public void A_key_that_is_a_prefix_of_the_next_block_is_a_miss()
    {
        var requests = new[] { Get("ab"), Get("abc") };
        var merged = RetrievalReply.Merge(requests, [0, 0], [Bytes("VALUE abc 0 1\r\nz\r\nEND\r\n")], new RouterStatistics());
        Assert.Equal("VALUE abc 0 1\r\nz\r\nEND\r\n", Encoding.ASCII.GetString(merged));
    }

    [Fact]
    public void A_server_that_failed_reads_as_misses()
    {
        var requests = new[] { Get("x"), Get("y") };
        var merged = RetrievalReply.Merge(requests, [0, 1], [Bytes("END\r\n"), Bytes("VALUE y 0 1\r\ny\r\nEND\r\n")], new RouterStatistics());
        Assert.Equal("VALUE y 0 1\r\ny\r\nEND\r\n", Encoding.ASCII.GetString(merged));
    }
}
