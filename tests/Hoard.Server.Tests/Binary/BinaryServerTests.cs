using System.Net;
using Hoard.Protocol.Binary;
using Hoard.Server.Tests.Network;
using static Hoard.Server.Tests.Binary.BinaryFrames;

namespace Hoard.Server.Tests.Binary;

/// <summary>The binary protocol through the real server, in process, on both transports. Replies checked against memcached 1.6.18.</summary>
public abstract class BinaryServerTests : IAsyncLifetime
{
    private HoardServer _server = null!;

    protected abstract TransportKind Transport { get; }

    private EndPoint EndPoint => _server.TcpEndPoints[0];

    public async Task InitializeAsync()
    {
        var options = new ServerOptions { Port = 0, MaxItemSize = 64 * 1024, MemoryLimitBytes = 64L * 1024 * 1024, Threads = 2, Transport = Transport };
        _server = new HoardServer(options);
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Set_then_get_variants_return_flags_cas_and_key_when_asked()
    {
        using var client = new BinaryClient(EndPoint);
        var stored = client.Call(Set(BinaryOpcode.Set, "k", "hello", flags: 5, opaque: 7));
        Assert.Equal((BinaryStatus.Success, 7u), (stored.Status, stored.Opaque));
        Assert.NotEqual(0ul, stored.Cas);

        client.Send(Concat(Request(BinaryOpcode.Get, "k", opaque: 8), Request(BinaryOpcode.GetK, "k"), Request(BinaryOpcode.GetQ, "k"), Request(BinaryOpcode.GetKQ, "k")));
        var replies = client.Read(4);
        Assert.All(replies, r => Assert.Equal((BinaryStatus.Success, 5u, "hello", stored.Cas), (r.Status, r.Flags, r.ValueText, r.Cas)));
        Assert.Equal(8u, replies[0].Opaque);
        Assert.Equal(["", "k", "", "k"], replies.Select(r => r.KeyText));
        Assert.Equal([BinaryOpcode.Get, BinaryOpcode.GetK, BinaryOpcode.GetQ, BinaryOpcode.GetKQ], replies.Select(r => r.Opcode));
    }

    [Fact]
    public void Misses_answer_not_found_getk_with_its_key_and_quiet_gets_nothing()
    {
        using var client = new BinaryClient(EndPoint);
        client.Send(Concat(Request(BinaryOpcode.Get, "nokey"), Request(BinaryOpcode.GetK, "nokey"), Request(BinaryOpcode.GetQ, "nokey"),
            Request(BinaryOpcode.GetKQ, "nokey"), Request(BinaryOpcode.Noop, opaque: 99)));
        var replies = client.Read(3);
        Assert.Equal((BinaryStatus.KeyNotFound, "Not found", ""), (replies[0].Status, replies[0].ValueText, replies[0].KeyText));
        Assert.Equal((BinaryStatus.KeyNotFound, "", "nokey"), (replies[1].Status, replies[1].ValueText, replies[1].KeyText));
        Assert.Equal((BinaryOpcode.Noop, 99u), (replies[2].Opcode, replies[2].Opaque));
    }

    [Fact]
    public void Add_and_replace_report_memcacheds_statuses()
    {
        using var client = new BinaryClient(EndPoint);
        client.Send(Concat(Set(BinaryOpcode.Set, "ar", "1"), Set(BinaryOpcode.Add, "ar", "2"), Set(BinaryOpcode.Add, "ar-new", "x"),
            Set(BinaryOpcode.Replace, "ar-missing", "x"), Set(BinaryOpcode.Replace, "ar", "3", flags: 1)));
        var replies = client.Read(5);
        Assert.Equal([BinaryStatus.Success, BinaryStatus.KeyExists, BinaryStatus.Success, BinaryStatus.KeyNotFound, BinaryStatus.Success], replies.Select(r => r.Status));
        Assert.Equal("Data exists for key.", replies[1].ValueText);
        var get = client.Call(Request(BinaryOpcode.Get, "ar"));
        Assert.Equal((1u, "3"), (get.Flags, get.ValueText));
    }

    [Fact]
    public void A_cas_on_set_add_or_replace_makes_it_a_compare_and_swap()
    {
        using var client = new BinaryClient(EndPoint);
        ulong cas = client.Call(Set(BinaryOpcode.Set, "c", "1")).Cas;
        Assert.Equal(BinaryStatus.KeyExists, client.Call(Set(BinaryOpcode.Set, "c", "2", cas: cas + 1000)).Status);
        Assert.Equal(BinaryStatus.KeyNotFound, client.Call(Set(BinaryOpcode.Set, "c-missing", "2", cas: 5)).Status);
        var swapped = client.Call(Set(BinaryOpcode.Add, "c", "3", cas: cas));
        Assert.Equal(BinaryStatus.Success, swapped.Status);
        Assert.NotEqual(cas, swapped.Cas);
        Assert.Equal(BinaryStatus.Success, client.Call(Set(BinaryOpcode.Replace, "c", "4", cas: swapped.Cas)).Status);
        Assert.Equal("4", client.Call(Request(BinaryOpcode.Get, "c")).ValueText);
    }

    [Fact]
    public void Delete_honours_cas_and_quiet_delete_answers_only_errors()
    {
        using var client = new BinaryClient(EndPoint);
        ulong cas = client.Call(Set(BinaryOpcode.Set, "d", "1")).Cas;
        Assert.Equal(BinaryStatus.KeyExists, client.Call(Request(BinaryOpcode.Delete, "d", cas: cas + 1)).Status);
        var deleted = client.Call(Request(BinaryOpcode.Delete, "d", cas: cas));
        Assert.Equal((BinaryStatus.Success, 0ul), (deleted.Status, deleted.Cas));
        Assert.Equal(BinaryStatus.KeyNotFound, client.Call(Request(BinaryOpcode.Delete, "d")).Status);
        client.Send(Concat(Set(BinaryOpcode.Set, "d", "1"), Request(BinaryOpcode.DeleteQ, "d"), Request(BinaryOpcode.DeleteQ, "d"), Request(BinaryOpcode.Noop)));
        var replies = client.Read(3);
        Assert.Equal([BinaryOpcode.Set, BinaryOpcode.DeleteQ, BinaryOpcode.Noop], replies.Select(r => r.Opcode));
        Assert.Equal(BinaryStatus.KeyNotFound, replies[1].Status);
    }

    [Fact]
    public void Append_and_prepend_keep_the_flags_check_cas_and_refuse_missing_keys()
    {
        using var client = new BinaryClient(EndPoint);
        Assert.Equal((BinaryStatus.ItemNotStored, "Not stored."), Pair(client.Call(Request(BinaryOpcode.Append, "ap", value: "x"u8.ToArray()))));
        client.Call(Set(BinaryOpcode.Set, "ap", "mid", flags: 3));
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Append, "ap", value: "R"u8.ToArray())).Status);
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Prepend, "ap", value: "L"u8.ToArray())).Status);
        Assert.Equal(BinaryStatus.KeyExists, client.Call(Request(BinaryOpcode.Append, "ap", value: "Z"u8.ToArray(), cas: 1)).Status);
        client.Send(Concat(Request(BinaryOpcode.AppendQ, "ap", value: "q"u8.ToArray()), Request(BinaryOpcode.PrependQ, "ap-missing", value: "q"u8.ToArray()), Request(BinaryOpcode.Get, "ap")));
        var replies = client.Read(2);
        Assert.Equal((BinaryOpcode.PrependQ, BinaryStatus.ItemNotStored), (replies[0].Opcode, replies[0].Status));
        Assert.Equal((3u, "LmidRq"), (replies[1].Flags, replies[1].ValueText));
    }

    [Fact]
    public void Incr_and_decr_create_count_and_refuse_like_memcached()
    {
        using var client = new BinaryClient(EndPoint);
        var created = client.Call(Counter(BinaryOpcode.Increment, "n", 5, initial: 10));
        Assert.Equal((BinaryStatus.Success, 10ul), (created.Status, created.Counter));
        Assert.Equal(15ul, client.Call(Counter(BinaryOpcode.Increment, "n", 5)).Counter);
        Assert.Equal(0ul, client.Call(Counter(BinaryOpcode.Decrement, "n", 100)).Counter);
        Assert.Equal((BinaryStatus.KeyNotFound, "Not found"), Pair(client.Call(Counter(BinaryOpcode.Increment, "n-missing", 1, 10, exptime: 0xffffffff))));
        client.Call(Set(BinaryOpcode.Set, "text", "abc"));
        Assert.Equal((BinaryStatus.NonNumericValue, "Non-numeric server-side value for incr or decr"), Pair(client.Call(Counter(BinaryOpcode.Increment, "text", 1))));
        var current = client.Call(Counter(BinaryOpcode.Increment, "n", 1));
        Assert.Equal(BinaryStatus.KeyExists, client.Call(Counter(BinaryOpcode.Increment, "n", 1, cas: current.Cas + 1)).Status);
        Assert.Equal(2ul, client.Call(Counter(BinaryOpcode.Increment, "n", 1, cas: current.Cas)).Counter);
        client.Send(Concat(Counter(BinaryOpcode.IncrementQ, "n", 1), Counter(BinaryOpcode.DecrementQ, "n-missing", 1, exptime: 0xffffffff), Request(BinaryOpcode.Get, "n")));
        var replies = client.Read(2);
        Assert.Equal((BinaryOpcode.DecrementQ, BinaryStatus.KeyNotFound), (replies[0].Opcode, replies[0].Status));
        // Shrunk in place and padded with a space since the decr to 0, as memcached stores it.
        Assert.Equal("3 ", replies[1].ValueText);
    }

    [Fact]
    public void Touch_and_gat_variants_update_the_ttl_and_answer_like_get()
    {
        using var client = new BinaryClient(EndPoint);
        ulong cas = client.Call(Set(BinaryOpcode.Set, "t", "tv", flags: 9)).Cas;
        var touched = client.Call(Request(BinaryOpcode.Touch, "t", Expiry(100)));
        // memcached returns the item's flags and CAS, without the value.
        Assert.Equal((BinaryStatus.Success, 9u, "", cas), (touched.Status, touched.Flags, touched.ValueText, touched.Cas));
        Assert.Equal(BinaryStatus.KeyNotFound, client.Call(Request(BinaryOpcode.Touch, "t-missing", Expiry(100))).Status);
        client.Send(Concat(Request(BinaryOpcode.GetAndTouch, "t", Expiry(100)), Request(BinaryOpcode.GetAndTouchK, "t", Expiry(100)),
            Request(BinaryOpcode.GetAndTouchQ, "t-missing", Expiry(100)), Request(BinaryOpcode.GetAndTouchKQ, "t-missing", Expiry(100)),
            Request(BinaryOpcode.GetAndTouchK, "t-missing", Expiry(100)), Request(BinaryOpcode.GetAndTouchQ, "t", Expiry(100))));
        var replies = client.Read(4);
        Assert.Equal(("tv", ""), (replies[0].ValueText, replies[0].KeyText));
        Assert.Equal(("tv", "t"), (replies[1].ValueText, replies[1].KeyText));
        Assert.Equal((BinaryStatus.KeyNotFound, "t-missing"), (replies[2].Status, replies[2].KeyText));
        Assert.Equal((BinaryOpcode.GetAndTouchQ, "tv"), (replies[3].Opcode, replies[3].ValueText));
        // A Unix time in the past expires the item at once.
        client.Call(Request(BinaryOpcode.Touch, "t", Expiry(3_000_000)));
        Assert.Equal(BinaryStatus.KeyNotFound, client.Call(Request(BinaryOpcode.Get, "t")).Status);
    }

    [Fact]
    public void Flush_noop_version_and_verbosity_answer_and_quiet_flush_is_silent()
    {
        using var client = new BinaryClient(EndPoint);
        client.Call(Set(BinaryOpcode.Set, "f", "1"));
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Flush)).Status);
        Assert.Equal(BinaryStatus.KeyNotFound, client.Call(Request(BinaryOpcode.Get, "f")).Status);
        client.Send(Concat(Request(BinaryOpcode.FlushQ, extras: Expiry(0)), Request(BinaryOpcode.Version, opaque: 4)));
        var version = client.ReadOne();
        Assert.Equal((BinaryOpcode.Version, 4u), (version.Opcode, version.Opaque));
        Assert.StartsWith("1.6.18", version.ValueText, StringComparison.Ordinal);
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Verbosity, extras: Expiry(1))).Status);
        Assert.Equal(BinaryStatus.Success, client.Call(Request(BinaryOpcode.Noop)).Status);
    }

    [Fact]
    public void Stat_sends_one_packet_per_stat_then_an_empty_one()
    {
        using var client = new BinaryClient(EndPoint);
        client.Call(Set(BinaryOpcode.Set, "s", "1"));
        client.Send(Request(BinaryOpcode.Stat, opaque: 5));
        var stats = ReadStats(client);
        Assert.All(stats, r => Assert.Equal((BinaryOpcode.Stat, BinaryStatus.Success, 5u), (r.Opcode, r.Status, r.Opaque)));
        var named = stats.SkipLast(1).ToDictionary(r => r.KeyText, r => r.ValueText);
        Assert.Equal("67108864", named["limit_maxbytes"]);
        Assert.True(long.Parse(named["curr_items"], System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(("", ""), (stats[^1].KeyText, stats[^1].ValueText));

        client.Send(Request(BinaryOpcode.Stat, "settings"));
        Assert.Contains(ReadStats(client), r => r.KeyText == "item_size_max" && r.ValueText == "65536");
        var unknown = client.Call(Request(BinaryOpcode.Stat, "bogus"));
        Assert.Equal((BinaryStatus.KeyNotFound, "Not found"), Pair(unknown));
        Assert.Single(ReadStatsOf(client, Request(BinaryOpcode.Stat, "reset")));
        Assert.Single(ReadStatsOf(client, Request(BinaryOpcode.Stat, "detail on")));
        client.Call(Set(BinaryOpcode.Set, "user:1", "x"));
        var dump = ReadStatsOf(client, Request(BinaryOpcode.Stat, "detail dump"));
        Assert.Equal(("detailed", "PREFIX user get 0 hit 0 set 1 del 0\r\nEND\r\n"), (dump[0].KeyText, dump[0].ValueText));
        ReadStatsOf(client, Request(BinaryOpcode.Stat, "detail off"));
        Assert.Equal(["sizes_status", ""], ReadStatsOf(client, Request(BinaryOpcode.Stat, "sizes")).Select(r => r.KeyText));
    }

    [Fact]
    public void Quit_answers_then_closes_and_quiet_quit_closes_silently()
    {
        using (var client = new BinaryClient(EndPoint))
        {
            client.Send(Concat(Request(BinaryOpcode.Quit, opaque: 3), Request(BinaryOpcode.Noop)));
            var replies = client.ReadUntilClosed();
            Assert.Equal((BinaryOpcode.Quit, 3u), (Assert.Single(replies).Opcode, replies[0].Opaque));
        }
        using var quiet = new BinaryClient(EndPoint);
        quiet.Send(Concat(Request(BinaryOpcode.Noop), Request(BinaryOpcode.QuitQ), Request(BinaryOpcode.Noop)));
        Assert.Equal(BinaryOpcode.Noop, Assert.Single(quiet.ReadUntilClosed()).Opcode);
    }

    [Fact]
    public void Unknown_opcodes_are_answered_and_their_body_skipped()
    {
        using var client = new BinaryClient(EndPoint);
        var unknown = Request((BinaryOpcode)0xfe, "abc", value: "xyz"u8.ToArray(), opaque: 6);
        client.Send(Concat(unknown, Request((BinaryOpcode)0x25), Request(BinaryOpcode.Noop)));
        var replies = client.Read(3);
        Assert.Equal((BinaryStatus.UnknownCommand, "Unknown command", 6u), (replies[0].Status, replies[0].ValueText, replies[0].Opaque));
        Assert.Equal(BinaryStatus.UnknownCommand, replies[1].Status);
        Assert.Equal(BinaryOpcode.Noop, replies[2].Opcode);
    }

    [Theory]
    [InlineData("get-with-extras")]
    [InlineData("key-too-long")]
    [InlineData("set-without-extras")]
    [InlineData("noop-with-body")]
    public void Malformed_requests_get_invalid_arguments_and_the_connection_closes(string kind)
    {
        using var client = new BinaryClient(EndPoint);
        var request = kind switch
        {
            "get-with-extras" => Request(BinaryOpcode.Get, "k", Expiry(1)),
            "key-too-long" => Request(BinaryOpcode.Get, new string('k', 251)),
            "set-without-extras" => Request(BinaryOpcode.Set, "k", value: "v"u8.ToArray()),
            _ => Request(BinaryOpcode.Noop, value: "a"u8.ToArray()),
        };
        client.Send(Concat(request, Request(BinaryOpcode.Noop)));
        var reply = client.ReadUntilClosed();
        Assert.Equal((BinaryStatus.InvalidArguments, "Invalid arguments"), Pair(Assert.Single(reply)));
    }

    [Fact]
    public void Sasl_commands_without_S_are_unknown_and_the_connection_carries_on()
    {
        using var client = new BinaryClient(EndPoint);
        client.Send(Concat(Request(BinaryOpcode.SaslListMechanisms), Request(BinaryOpcode.SaslAuthenticate, "PLAIN", value: "\0u\0p"u8.ToArray()), Request(BinaryOpcode.Noop)));
        var replies = client.Read(3);
        Assert.Equal([BinaryStatus.UnknownCommand, BinaryStatus.UnknownCommand, BinaryStatus.Success], replies.Select(r => r.Status));
    }

    [Fact]
    public void Wrong_magic_after_a_valid_request_closes_without_a_reply()
    {
        using var client = new BinaryClient(EndPoint);
        var bad = Request(BinaryOpcode.Noop);
        bad[0] = 0x81;
        client.Send(Concat(Request(BinaryOpcode.Noop), bad, Request(BinaryOpcode.Noop)));
        Assert.Single(client.ReadUntilClosed());
    }

    [Fact]
    public void Lengths_that_contradict_each_other_close_with_unknown_command()
    {
        using var client = new BinaryClient(EndPoint);
        var bad = Request(BinaryOpcode.Get, "key");
        bad[11] = 1;   // body length 1 < key length 3
        client.Send(bad);
        Assert.Equal(BinaryStatus.UnknownCommand, Assert.Single(client.ReadUntilClosed()).Status);
    }

    [Fact]
    public void Too_large_value_is_refused_unread_the_old_value_removed_and_the_connection_carries_on()
    {
        using var client = new BinaryClient(EndPoint);
        client.Call(Set(BinaryOpcode.Set, "big", "old"));
        var huge = Set(BinaryOpcode.Set, "big", new string('z', 200_000), opaque: 11);
        // In pieces, so the refusal comes before most of the value has arrived.
        client.Send(huge[..1000]);
        var refused = client.ReadOne();
        Assert.Equal((BinaryStatus.ValueTooLarge, "Too large.", 11u), (refused.Status, refused.ValueText, refused.Opaque));
        client.Send(huge[1000..]);
        client.Send(Concat(Set(BinaryOpcode.SetQ, "big2", new string('y', 70_000)), Request(BinaryOpcode.Get, "big")));
        var replies = client.Read(2);
        Assert.Equal((BinaryOpcode.SetQ, BinaryStatus.ValueTooLarge), (replies[0].Opcode, replies[0].Status));
        Assert.Equal(BinaryStatus.KeyNotFound, replies[1].Status);
        // Append keeps the old value (memcached removes it only for set); growing past the limit is "not stored".
        client.Call(Set(BinaryOpcode.Set, "ap", new string('a', 60_000)));
        Assert.Equal(BinaryStatus.ValueTooLarge, client.Call(Request(BinaryOpcode.Append, "ap", value: new byte[70_000])).Status);
        Assert.Equal(BinaryStatus.ItemNotStored, client.Call(Request(BinaryOpcode.Append, "ap", value: new byte[10_000])).Status);
        Assert.Equal(60_000, client.Call(Request(BinaryOpcode.Get, "ap")).Value.Length);
    }

    [Fact]
    public void Many_frames_in_one_packet_are_answered_in_order()
    {
        using var client = new BinaryClient(EndPoint);
        var batch = new List<byte[]>();
        for (int i = 0; i < 300; i++)
            batch.Add(Set(BinaryOpcode.SetQ, $"p{i}", $"v{i}"));
        for (int i = 0; i < 300; i++)
            batch.Add(Request(BinaryOpcode.GetKQ, $"p{i}", opaque: (uint)i));
        batch.Add(Request(BinaryOpcode.Noop, opaque: 1000));
        client.Send(Concat([.. batch]));
        var replies = client.Read(301);
        for (int i = 0; i < 300; i++)
            Assert.Equal(($"p{i}", $"v{i}", (uint)i), (replies[i].KeyText, replies[i].ValueText, replies[i].Opaque));
        Assert.Equal(1000u, replies[300].Opaque);
    }

    [Fact]
    public void A_frame_split_across_packets_is_reassembled()
    {
        using var client = new BinaryClient(EndPoint);
        var frames = Concat(Set(BinaryOpcode.Set, "split", "reassembled", flags: 2), Request(BinaryOpcode.Get, "split"));
        int[] cuts = [1, 10, 24, 33, 40, frames.Length];
        int at = 0;
        foreach (int cut in cuts)
        {
            client.Send(frames[at..cut]);
            at = cut;
            Thread.Sleep(20);
        }
        var replies = client.Read(2);
        Assert.Equal(BinaryStatus.Success, replies[0].Status);
        Assert.Equal((2u, "reassembled"), (replies[1].Flags, replies[1].ValueText));
    }

    [Fact]
    public void Binary_and_text_connections_share_the_cache()
    {
        using var binary = new BinaryClient(EndPoint);
        binary.Call(Set(BinaryOpcode.Set, "shared", "both", flags: 4));
        using var text = new RawClient(EndPoint);
        text.Send("get shared\r\n");
        Assert.Equal("VALUE shared 4 4\r\nboth\r\nEND\r\n", text.ReadUntil("END\r\n"));
        text.Send("set fromtext 1 0 2\r\nhi\r\n");
        text.ReadUntil("STORED\r\n");
        var get = binary.Call(Request(BinaryOpcode.Get, "fromtext"));
        Assert.Equal((1u, "hi"), (get.Flags, get.ValueText));
    }

    private static (BinaryStatus, string) Pair(BinaryResponse response) => (response.Status, response.ValueText);

    private static List<BinaryResponse> ReadStatsOf(BinaryClient client, byte[] request)
    {
        client.Send(request);
        return ReadStats(client);
    }

    private static List<BinaryResponse> ReadStats(BinaryClient client)
    {
        var stats = new List<BinaryResponse>();
        do
            stats.Add(client.ReadOne());
        while (stats[^1].Key.Length > 0);
        return stats;
    }
}

public sealed class EpollBinaryServerTests : BinaryServerTests
{
    protected override TransportKind Transport => TransportKind.Epoll;
}

public sealed class SocketsBinaryServerTests : BinaryServerTests
{
    protected override TransportKind Transport => TransportKind.Sockets;
}
