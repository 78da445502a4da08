using System.Buffers;
using System.Buffers.Text;
using Hoard.Router.Stats;

namespace Hoard.Router.Requests;

/// <summary>
/// Text retrieval replies (<c>VALUE</c> blocks, then <c>END</c>) read as bytes: the router combines the replies
/// of the servers of a multi-get into the one the client expects without turning them into strings.
/// </summary>
internal static class RetrievalReply
{
    /// <summary>The number of <c>VALUE</c> blocks in <paramref name="reply"/>.</summary>
    public static int CountValues(ReadOnlySpan<byte> reply)
    {
        int count = 0;
        int offset = 0;
        while (TryReadValue(reply, offset, out _, out int length))
        {
            count++;
            offset += length;
        }
        return count;
    }

    /// <summary>
    /// The reply to a multi-get whose keys went to several servers: for each key in the order asked, its block
    /// from its server's reply (each server lists its hits in the order it was asked), then <c>END</c>.
    /// </summary>
    /// <param name="requests">The keys, in the order the client asked.</param>
    /// <param name="serverOf">For each key, the index of its server's reply.</param>
    /// <param name="replies">Each server's reply.</param>
    /// <param name="statistics">Counts a hit or a miss per key.</param>
    public static byte[] Merge(IReadOnlyList<RouterRequest> requests, int[] serverOf, byte[][] replies, RouterStatistics statistics)
    {
        var cursors = new int[replies.Length];
        int total = 5;
        foreach (var reply in replies)
            total += reply.Length;
        var output = new ArrayBufferWriter<byte>(total);
        for (int i = 0; i < requests.Count; i++)
        {
            int server = serverOf[i];
            var reply = replies[server];
            bool hit = TryReadValue(reply, cursors[server], out var key, out int length) && key.SequenceEqual(requests[i].Key);
            statistics.GetResult(hit);
            if (!hit)
                continue;
            output.Write(reply.AsSpan(cursors[server], length));
            cursors[server] += length;
        }
        output.Write("END\r\n"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The <c>VALUE &lt;key&gt; &lt;flags&gt; &lt;bytes&gt; [&lt;cas&gt;]</c> block at <paramref name="offset"/>: its key and its whole length (line and data).</summary>
    public static bool TryReadValue(ReadOnlySpan<byte> reply, int offset, out ReadOnlySpan<byte> key, out int length)
    {
        key = default;
        length = 0;
        if (offset >= reply.Length)
            return false;
        var rest = reply[offset..];
        int newline = rest.IndexOf((byte)'\n');
        if (newline < 1 || rest[newline - 1] != '\r' || !rest.StartsWith("VALUE "u8))
            return false;
        var line = rest[6..(newline - 1)];
        int space = line.IndexOf((byte)' ');
        if (space <= 0)
            return false;
        key = line[..space];
        line = line[(space + 1)..];
        space = line.IndexOf((byte)' ');
        if (space <= 0)
            return false;
        line = line[(space + 1)..];
        space = line.IndexOf((byte)' ');
        var size = space < 0 ? line : line[..space];
        if (!Utf8Parser.TryParse(size, out int dataLength, out int used) || used != size.Length || dataLength < 0)
            return false;
        length = newline + 1 + dataLength + 2;
        return length <= rest.Length && rest[length - 2] == '\r' && rest[length - 1] == '\n';
    }
}
