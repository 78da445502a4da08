using Hoard.Storage;

namespace Hoard.Server.Tests.Meta;

// Expected replies were taken from memcached 1.6.18 given the same requests on a fresh server (CAS values match
// because both servers count CAS from 1).
public sealed class MetaCommandHandlerTests : IDisposable
{
    private readonly MetaHarness _cache = new();

    public void Dispose() => _cache.Dispose();

    private string Send(string request) => _cache.Send(request);

    [Fact]
    public void Get_returns_requested_flags_in_request_order()
    {
        Send("ms foo 3 T0 F5\r\nbar\r\n");
        Assert.Equal("VA 3 f5 t-1 s3 c1 kfoo O123 h0 l0\r\nbar\r\n", Send("mg foo v f t s c k O123 h l\r\n"));
        Assert.Equal("HD h1 l0 s3 O9 kfoo c1\r\n", Send("mg foo h l s O9 k c\r\n"));
        Assert.Equal("HD\r\n", Send("mg foo\r\n"));
    }

    [Fact]
    public void Get_miss_echoes_only_opaque_and_key()
    {
        Assert.Equal("EN\r\nEN kmissing O1\r\n", Send("mg missing\r\nmg missing v k O1 t c s\r\n"));
    }

    [Fact]
    public void Quiet_get_hides_misses_but_not_hits_and_mn_ends_the_pipeline()
    {
        Send("ms a1 2\r\nhi\r\n");
        Assert.Equal("HD\r\nHD ka1\r\nVA 2\r\nhi\r\nMN\r\n", Send("mg a1 q\r\nmg a1 q k\r\nmg a1 q v\r\nmg nokey q v\r\nmn\r\n"));
    }

    [Fact]
    public void Quiet_mode_hides_only_success_for_ms_md_and_updates_for_ma()
    {
        var replies = Send(
            "ms a5 2 q\r\nhi\r\nms a5 2 q ME\r\nhi\r\nms a6 2 q MR\r\nhi\r\nms a5 2 q C999\r\nhi\r\nms a7 2 q C999\r\nhi\r\n" +
            "md a5 q\r\nmd a5 q O5\r\n" +
            "ma b1 q\r\nma b1 q N0 J10 v\r\nma b1 q v\r\nma b1 q C1\r\nmn\r\n");
        Assert.Equal("NS\r\nNS\r\nEX\r\nNF\r\nNF O5\r\nNF\r\nVA 2\r\n10\r\nEX\r\nMN\r\n", replies);
        Assert.Equal("VA 2\r\n12\r\n", Send("ma b1 v\r\n"));
    }

    [Fact]
    public void Errors_are_never_quiet()
    {
        Assert.Equal("CLIENT_ERROR invalid flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n", Send("mg x q zz\r\nmd x q zz\r\n"));
    }

    [Fact]
    public void Set_modes_follow_memcached()
    {
        Assert.Equal("NS\r\n", Send("ms f1 2 MA\r\nhi\r\n"));
        Assert.Equal("NS\r\n", Send("ms f1 2 MR\r\nhi\r\n"));
        Assert.Equal("HD\r\n", Send("ms f1 3 ME F4 T100\r\nabc\r\n"));
        Assert.Equal("NS\r\n", Send("ms f1 2 ME\r\nhi\r\n"));
        Assert.Equal("HD\r\n", Send("ms f1 3 MA F9 T5\r\ndef\r\n"));
        Assert.Equal("HD\r\n", Send("ms f1 1 MP\r\nz\r\n"));
        Assert.Equal("VA 7 f4 t100\r\nzabcdef\r\n", Send("mg f1 v f t\r\n"));
        Assert.Equal("HD\r\n", Send("ms f1 3 MR F1\r\nrep\r\n"));
        Assert.Equal("HD\r\n", Send("ms f1 3 MS\r\nset\r\n"));
        Assert.Equal("VA 3 f0 t-1\r\nset\r\n", Send("mg f1 v f t\r\n"));
    }

    [Fact]
    public void Set_with_cas_maps_modes_like_memcached()
    {
        // Append with a CAS on a missing key is NS, add ignores the CAS, replace with a CAS becomes cas (NF).
        Assert.Equal("NS\r\nHD\r\nNF\r\n", Send("ms f2 2 MA C1\r\nxx\r\nms f3 2 ME C1\r\nxx\r\nms f4 2 MR C1\r\nxx\r\n"));
        Assert.Equal("EX c0 kf3\r\nHD c2 kf3\r\n", Send("ms f3 2 C9 c k\r\nyy\r\nms f3 2 C1 c k\r\nzz\r\n"));
    }

    [Fact]
    public void Set_echoes_opaque_key_and_cas_and_nothing_else()
    {
        Assert.Equal("HD ka3 c1 O9\r\n", Send("ms a3 2 k c O9 f s t v h l T50 F7\r\nhi\r\n"));
        Assert.Equal("NS c0 ka3 O5\r\n", Send("ms a3 2 c k O5 ME\r\nhi\r\n"));
    }

    [Fact]
    public void Set_refuses_bad_modes_and_flags()
    {
        Assert.Equal(
            "CLIENT_ERROR invalid mode for ms M token\r\n" +
            "CLIENT_ERROR incorrect length for M token\r\n" +
            "CLIENT_ERROR invalid mode for ms M token\r\n" +
            "CLIENT_ERROR invalid mode for ms M token\r\n" +
            "CLIENT_ERROR opaque token too long\r\n" +
            "CLIENT_ERROR bad command line format\r\n" +
            "CLIENT_ERROR invalid flag\r\n",
            Send("ms p1 2 MX\r\nhi\r\nms p1 2 Mxx\r\nhi\r\nms p1 2 Ms\r\nhi\r\n" +
                 "ms p1 2 O12345678901234567890123456789012345 MZ\r\nhi\r\nms p1 2 O12345678901234567890123456789012345\r\nhi\r\n" +
                 "ms p1 2 MZ Fx\r\nhi\r\nms p1 2 S2\r\nhi\r\n"));
        Assert.Equal("EN\r\n", Send("mg p1\r\n"));
    }

    [Fact]
    public void Set_too_large_replies_server_error_and_drops_the_old_value()
    {
        using var cache = new MetaHarness(new CacheOptions { ShardCount = 1, MaxItemSize = 1024 });
        cache.Send("ms big 2\r\nhi\r\n");
        string value = new('x', 2000);
        Assert.Equal("SERVER_ERROR object too large for cache\r\n", cache.Send($"ms big 2000 q\r\n{value}\r\n"));
        Assert.Equal("EN\r\n", cache.Send("mg big v\r\n"));
    }

    [Fact]
    public void Set_out_of_memory_replies_server_error()
    {
        using var cache = new MetaHarness(new CacheOptions { ShardCount = 1, MemoryLimitBytes = 4096, EvictionsEnabled = false, MaxItemSize = 2048 });
        string value = new('x', 1500);
        string replies = cache.Send($"ms a 1500\r\n{value}\r\nms b 1500\r\n{value}\r\nms c 1500\r\n{value}\r\n");
        Assert.Equal("HD\r\nHD\r\nSERVER_ERROR out of memory storing object\r\n", replies);
    }

    [Fact]
    public void Base64_keys_are_decoded_and_returned_encoded()
    {
        Assert.Equal("HD kZm9v b c1 O1\r\n", Send("ms Zm9v 2 k c O1 b\r\nhi\r\n"));
        Assert.Equal("VA 2 kfoo\r\nhi\r\n", Send("mg foo k v\r\n"));
        Assert.Equal("VA 2 kZm9v b\r\nhi\r\n", Send("mg Zm9v b k v\r\n"));
        Assert.Equal("EN kZm8= b\r\n", Send("mg Zm8= b k\r\n"));
        Assert.Equal("CLIENT_ERROR error decoding key\r\nCLIENT_ERROR invalid or duplicate flag\r\n", Send("mg Zm9 b\r\nmd Zm9 b\r\n"));
        Assert.Equal("HD kZm9v b\r\nNF kZm9v b\r\n", Send("md Zm9v b k\r\nmd Zm9v b k\r\n"));
    }

    [Fact]
    public void Keys_longer_than_250_bytes_are_refused()
    {
        string longKey = new('k', 251);
        Assert.Equal("EN\r\n", Send($"mg {new string('k', 250)} v\r\n"));
        Assert.Equal(
            "CLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\n",
            Send($"mg {longKey} v\r\nmd {longKey}\r\nma {longKey}\r\nme {longKey}\r\n"));
    }

    [Fact]
    public void Too_many_flags_are_refused()
    {
        Assert.Equal("CLIENT_ERROR options flags are too long\r\nCLIENT_ERROR options flags too long\r\n",
            Send("mg h1 k v c t s f h l u O1 C1 D1 F1 I J1 L P1 M1\r\nmd h1 O1 C1 D1 F1 I J1 L P1 M T1 N1 k c t s f h l\r\n"));
    }

    [Fact]
    public void Ttl_is_reported_as_of_its_place_in_the_request()
    {
        Send("ms c1 2 T100\r\nhi\r\n");
        Assert.Equal("HD t100\r\nHD t30\r\nHD t40\r\nHD t-1\r\n", Send("mg c1 t T30\r\nmg c1 t\r\nmg c1 T40 t\r\nmg c1 T0 t\r\n"));
        Assert.Equal("HD t30 W\r\nHD t-1 W\r\n", Send("mg c3 N30 t\r\nmg c4 t N30\r\n"));
        // On a created item N and T both set the exptime, the later one last.
        Assert.Equal("HD t60 W\r\nHD t30 W\r\n", Send("mg c10 N30 T60 t\r\nmg c11 T60 N30 t\r\n"));
        Assert.Equal("HD t60 Z\r\nHD t30 Z\r\n", Send("mg c10 t\r\nmg c11 t\r\n"));
    }

    [Fact]
    public void No_bump_read_leaves_the_item_unfetched()
    {
        Send("ms u1 2\r\nhi\r\n");
        Assert.Equal("HD h0\r\nHD h0\r\nHD h1\r\n", Send("mg u1 u h\r\nmg u1 h\r\nmg u1 h\r\n"));
    }

    [Fact]
    public void Delete_replies_and_invalidates()
    {
        Send("ms r1 2 T100\r\nhi\r\n");
        Assert.Equal("HD\r\nEN\r\n", Send("md r1 T5\r\nmg r1 t\r\n"));
        Send("ms r1 2 T100\r\nhi\r\n");
        Assert.Equal("HD kr1 O1\r\n", Send("md r1 I T5 k O1 c t\r\n"));
        Assert.Equal("VA 2 t5 c3 X W\r\nhi\r\n", Send("mg r1 t c v\r\n"));
        Assert.Equal("EX O2\r\n", Send("md r1 C1 O2\r\n"));
        Assert.Equal("CLIENT_ERROR opaque token too long\r\n", Send("md r1 O12345678901234567890123456789012\r\n"));
        Assert.Equal("VA 2 Z X\r\nhi\r\n", Send("mg r1 v\r\n"));
    }

    [Fact]
    public void Arithmetic_follows_memcached()
    {
        Assert.Equal("NF\r\nHD\r\nVA 2\r\n11\r\n", Send("ma b1\r\nma b1 N0 J10\r\nma b1 v\r\n"));
        Assert.Equal("VA 2 t-1 c3 kb1 O1\r\n12\r\n", Send("ma b1 v t c k O1\r\n"));
        Assert.Equal("VA 1\r\n0\r\nVA 1\r\n0\r\n", Send("ma b1 MD D100 v\r\nma b1 M- v\r\n"));
        Assert.Equal("VA 1\r\n5\r\nVA 1\r\n3\r\n", Send("ma b1 M+ D5 v\r\nma b1 MD D2 v\r\n"));
        Assert.Equal("CLIENT_ERROR invalid mode for ma M token\r\nCLIENT_ERROR invalid or duplicate flag\r\n", Send("ma b1 MX\r\nma b1 Dx\r\n"));
        Send("ms s4 2\r\n10\r\nms txt 2\r\nhi\r\n");
        Assert.Equal("VA 1\r\n9\r\nVA 2\r\n9 \r\n", Send("ma s4 MD D1 v\r\nmg s4 v\r\n"));
        Assert.Equal("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", Send("ma txt\r\n"));
        Assert.Equal("VA 20\r\n18446744073709551615\r\nVA 1\r\n0\r\n", Send("ma w N0 J18446744073709551615 v\r\nma w v\r\n"));
    }

    [Fact]
    public void Arithmetic_reports_ttl_in_request_order()
    {
        Assert.Equal("VA 1 t100\r\n5\r\nVA 1 t100\r\n6\r\nHD t60\r\nHD t-1\r\n",
            Send("ma s1 N100 J5 t v\r\nma s1 t T50 v\r\nma s1 T60 t\r\nma s2 t N100\r\n"));
    }

    [Fact]
    public void Arithmetic_with_long_opaque_updates_then_errors()
    {
        Send("ma s5 N0 J1\r\n");
        Assert.Equal("CLIENT_ERROR opaque token too long\r\nVA 1\r\n3\r\n", Send("ma s5 O123456789012345678901234567890123\r\nma s5 v\r\n"));
    }

    [Fact]
    public void Debug_prints_memcached_item_line()
    {
        Send("ms g1 2\r\nhi\r\nms g2 2 T100 F5\r\nhi\r\nmg g2 v\r\nms Zm9v 2 b\r\nhi\r\n");
        Assert.Equal("ME g1 exp=-1 la=0 cas=1 fetch=no cls=1 size=63\r\n", Send("me g1\r\n"));
        Assert.Equal("ME g2 exp=-100 la=0 cas=2 fetch=yes cls=1 size=67\r\n", Send("me g2\r\n"));
        Assert.Equal("ME Zm9v exp=-1 la=0 cas=3 fetch=no cls=1 size=64\r\n", Send("me Zm9v b\r\n"));
        Assert.Equal("EN\r\nCLIENT_ERROR bad command line format\r\n", Send("me nokey\r\nme g2 b\r\n"));
        _cache.Advance(3);
        Assert.Equal("ME g1 exp=-1 la=3 cas=1 fetch=no cls=1 size=63\r\n", Send("me g1\r\n"));
        Assert.Equal("HD h0\r\n", Send("mg g1 h\r\n"));
        string big = new('v', 300);
        Send($"ms big 300\r\n{big}\r\n");
        Assert.Equal("ME big exp=-1 la=0 cas=4 fetch=no cls=7 size=362\r\n", Send("me big\r\n"));
    }

    [Fact]
    public void NoOp_replies_mn()
    {
        Assert.Equal("MN\r\nMN\r\n", Send("mn\r\nmn foo bar\r\n"));
    }

    [Fact]
    public void Explicit_cas_extension_sets_the_new_cas()
    {
        Assert.Equal("HD c500\r\n", Send("ms e1 2 E500 c\r\nhi\r\n"));
        Assert.Equal("HD c500\r\n", Send("mg e1 c\r\n"));
        Assert.Equal("HD\r\nHD c600 X W\r\n", Send("md e1 I E600\r\nmg e1 c\r\n"));
        Assert.Equal("HD c700 W\r\n", Send("mg e2 N30 E700 c\r\n"));
        Assert.Equal("HD c800\r\n", Send("ma e3 N0 E800 c\r\n"));
    }

    [Fact]
    public void Delete_value_only_extension_keeps_the_item()
    {
        Send("ms x1 5 F3\r\nhello\r\n");
        Assert.Equal("HD\r\nVA 0 f0\r\n\r\n", Send("md x1 x\r\nmg x1 v f\r\n"));
    }

    [Fact]
    public void Append_autovivify_extension_creates_the_item()
    {
        Assert.Equal("HD\r\nVA 2 t30\r\nhi\r\n", Send("ms v1 2 MA N30\r\nhi\r\nmg v1 v t\r\n"));
    }

    [Fact]
    public void Without_cas_every_token_means_no_cas_as_under_memcached_minus_C()
    {
        using var cache = new MetaHarness(new CacheOptions { ShardCount = 1, CasEnabled = false });
        Assert.Equal("HD c0\r\nEX c0\r\nEX\r\n", cache.Send("ms a 2 c\r\nhi\r\nms a 2 C0 c\r\nyo\r\nms a 2 C1\r\nyo\r\n"));
        Assert.Equal("HD\r\nVA 4\r\nhixx\r\n", cache.Send("ms a 2 MA C5\r\nxx\r\nmg a v\r\n"));
        Assert.Equal("ME a exp=-1 la=0 cas=0 fetch=yes cls=1 size=56\r\n", cache.Send("me a\r\n"));
        Assert.Equal("EX\r\nHD\r\n", cache.Send("md a C4\r\nmd a C0\r\n"));
    }
}
