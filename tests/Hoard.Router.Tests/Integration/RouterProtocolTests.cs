using System.Diagnostics;
using System.Globalization;
using Hoard.Router.Tests.Infrastructure;
using Hoard.Server;

namespace Hoard.Router.Tests.Integration;

/// <summary>
/// The router's front side against real memcached 1.6 servers: every command, pipelining, meta pass-through,
/// back-pressure. Run once per transport (the event loops and .NET's asynchronous sockets), with a small
/// in-flight limit per client so that pipelines pause and resume reading.
/// </summary>
public abstract class RouterProtocolTests : IAsyncLifetime
{
    private const int InFlightLimit = 8;

    private Memcached[] _servers = [];
    private RouterHarness _router = null!;

    public async Task InitializeAsync()
    {
        _servers = [Memcached.Start(), Memcached.Start(), Memcached.Start()];
        string servers = string.Join(", ", _servers.Select(s => $"\"{s.Address}\""));
        _router = await RouterHarness.StartAsync($$"""{ "pools": { "A": { "servers": [{{servers}}] } }, "route": "PoolRoute|A" }""",
            RouterHarness.OnTransport(Transport, InFlightLimit));
    }

    protected abstract TransportKind Transport { get; }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        foreach (var server in _servers)
            await server.DisposeAsync();
    }

    [Fact]
    public void Seed_003_session_works_through_the_router()
    {
        using var first = _router.Connect();
        Assert.Equal("STORED", first.Call("set anotherkey 0 0 15\r\nMcrouter is fun"));
        using var second = _router.Connect();
        second.Send("get anotherkey\r\n");
        Assert.Equal("VALUE anotherkey 0 15\r\nMcrouter is fun\r\nEND\r\n", second.ReadReply(3));
    }

    [Fact]
    public void Text_commands_behave_as_on_memcached()
    {
        using var client = _router.Connect();
        Assert.Equal("STORED", client.Call("set n 5 0 2\r\n10"));
        Assert.Equal("11", client.Call("incr n 1"));
        Assert.Equal("8", client.Call("decr n 3"));
        Assert.Equal("NOT_STORED", client.Call("add n 0 0 1\r\nx"));
        // memcached pads a number that got shorter with a space ("11" - 3 = "8 "), and appends after it.
        Assert.Equal("STORED", client.Call("append n 0 0 1\r\n0"));
        Assert.Equal("STORED", client.Call("prepend n 0 0 1\r\n1"));
        Assert.Equal("18 0", client.Get("n"));
        Assert.Equal("TOUCHED", client.Call("touch n 100"));
        Assert.Equal("NOT_FOUND", client.Call("touch missing 100"));
        Assert.Equal("STORED", client.Call("replace n 7 0 3\r\nabc"));
        client.Send("gat 100 n\r\n");
        Assert.Equal("VALUE n 7 3\r\nabc\r\nEND\r\n", client.ReadReply(3));
        Assert.Equal("DELETED", client.Call("delete n"));
        Assert.Equal("NOT_FOUND", client.Call("delete n"));
        Assert.Null(client.Get("n"));
        Assert.Equal("CLIENT_ERROR cannot increment or decrement non-numeric value", client.Call("set s 0 0 1\r\nx") == "STORED" ? client.Call("incr s 1") : "set failed");
        Assert.StartsWith("VERSION hoard-router", client.Call("version"), StringComparison.Ordinal);
        Assert.Equal("OK", client.Call("verbosity 1"));
        Assert.Equal("ERROR", client.Call("bogus"));
    }

    [Fact]
    public void Gets_and_cas_work_through_the_router()
    {
        using var client = _router.Connect();
        Assert.Equal("STORED", client.Call("set c 0 0 1\r\na"));
        var (_, cas) = client.Gets("c")!.Value;
        Assert.Equal("STORED", client.Call($"cas c 0 0 1 {cas}\r\nb"));
        Assert.Equal("EXISTS", client.Call($"cas c 0 0 1 {cas}\r\nc"));
        Assert.Equal("b", client.Get("c"));
    }

    [Fact]
    public void A_multi_get_spanning_every_server_comes_back_in_key_order()
    {
        using var client = _router.Connect();
        var keys = Enumerable.Range(0, 60).Select(i => "multi:" + i).ToList();
        foreach (var key in keys.Where((_, i) => i % 3 != 0))
            Assert.Equal("STORED", client.Set(key, "v-" + key));
        client.Send("get " + string.Join(' ', keys) + "\r\n");
        var lines = client.ReadLinesUntil("END");
        var returned = lines.Where(l => l.StartsWith("VALUE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(keys.Where((_, i) => i % 3 != 0), returned);
        // The keys really are spread: every memcached holds some.
        foreach (var server in _servers)
        {
            using var direct = TextClientFor(server);
            Assert.True(direct.Stat("curr_items") > 0, $"{server.Address} holds none");
        }
    }

    [Fact]
    public void A_batched_multi_gets_and_gat_return_every_hit_with_its_cas_and_repeat_a_repeated_key()
    {
        using var client = _router.Connect();
        Assert.Equal("STORED", client.Set("b1", "one"));
        Assert.Equal("STORED", client.Set("b2", "two"));
        Assert.Equal("STORED", client.Set("b3", "three"));
        client.Send("gets b3 missing b1 b3 b2\r\n");
        var lines = client.ReadLinesUntil("END");
        var headers = lines.Where(l => l.StartsWith("VALUE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["b3", "b1", "b3", "b2"], headers.Select(l => l.Split(' ')[1]));
        Assert.All(headers, h => Assert.Equal(5, h.Split(' ').Length));
        var (_, cas) = client.Gets("b1")!.Value;
        Assert.Contains($"VALUE b1 0 3 {cas}", headers);
        client.Send("gat 100 b1 b2 nothere\r\n");
        Assert.Equal(["VALUE b1 0 3", "one", "VALUE b2 0 3", "two"], client.ReadLinesUntil("END"));
        var stats = client.Stats();
        Assert.True(long.Parse(stats["get_misses"], CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public void Pipelined_requests_are_answered_in_order()
    {
        using var client = _router.Connect();
        var request = new System.Text.StringBuilder();
        for (int i = 0; i < 200; i++)
            request.Append(CultureInfo.InvariantCulture, $"set p{i} 0 0 {i.ToString(CultureInfo.InvariantCulture).Length}\r\n{i}\r\nget p{i}\r\n");
        client.Send(request.ToString());
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal("STORED", client.ReadLine());
            Assert.Equal($"VALUE p{i} 0 {i.ToString(CultureInfo.InvariantCulture).Length}", client.ReadLine());
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), client.ReadLine());
            Assert.Equal("END", client.ReadLine());
        }
    }

    [Fact]
    public void Noreply_commands_are_silent_and_still_done()
    {
        using var client = _router.Connect();
        client.Send("set q 0 0 1 noreply\r\nx\r\ndelete nothing noreply\r\nget q\r\n");
        Assert.Equal("VALUE q 0 1\r\nx\r\nEND\r\n", client.ReadReply(3));
    }

    [Fact]
    public void Meta_commands_pass_through_with_flags_quiet_mode_and_base64_keys()
    {
        using var client = _router.Connect();
        Assert.Equal("HD O123 kmk", client.Call("ms mk 2 T0 F9 O123 k\r\nhi"));
        client.Send("mg mk v f t\r\n");
        Assert.Equal("VA 2 f9 t-1\r\nhi\r\n", client.ReadReply(2));
        // q hides the miss and the success; mn marks the end; the NS of a failed add is still shown.
        client.Send("mg nothere v q\r\nms mk 1 q\r\nx\r\nms mk 1 q ME\r\nx\r\nmn\r\n");
        Assert.Equal("NS", client.ReadLine());
        Assert.Equal("MN", client.ReadLine());
        // Base64 key "AP8Q" is bytes 00 ff 10: routed by its decoded bytes, sent on as written.
        Assert.Equal("HD", client.Call("ms AP8Q 1 b\r\nz"));
        client.Send("mg AP8Q b v k\r\n");
        Assert.Equal("VA 1 kAP8Q b\r\nz\r\n", client.ReadReply(2));
        Assert.Equal("HD", client.Call("md mk"));
        Assert.Equal("NF", client.Call("md mk"));
        Assert.Equal("VA 1\r\n5", client.Call("ma cnt N0 J5 v") + "\r\n" + client.ReadLine());
        Assert.Equal("MN", client.Call("mn"));
        Assert.Equal("CLIENT_ERROR bad command line format", client.Call("mg " + new string('k', 251) + " v"));
    }

    [Fact]
    public void Bad_input_gets_memcached_errors_and_the_connection_keeps_working()
    {
        using var client = _router.Connect();
        // memcached's way: the bad chunk is refused, and what follows it ("\r\n" here) is read as a command.
        Assert.Equal("CLIENT_ERROR bad data chunk", client.Call("set k 0 0 2\r\nabcd"));
        Assert.Equal("ERROR", client.ReadLine());
        Assert.Equal("CLIENT_ERROR bad command line format", client.Call("set k 0 0 notanumber"));
        Assert.Equal("SERVER_ERROR object too large for cache", client.Call($"set big 0 0 {2 * 1024 * 1024}"));
        client.Send(new string('x', 2 * 1024 * 1024) + "\r\n");
        Assert.Equal("STORED", client.Call("set fine 0 0 2\r\nok"));
        Assert.Equal("ok", client.Get("fine"));
    }

    [Fact]
    public void Flush_all_is_refused_unless_enabled()
    {
        using var client = _router.Connect();
        Assert.StartsWith("SERVER_ERROR flush_all is disabled", client.Call("flush_all"), StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_report_router_figures_and_each_server()
    {
        using var client = _router.Connect();
        client.Set("st", "1");
        client.Get("st");
        client.Get("st-missing");
        var stats = client.Stats();
        Assert.True(long.Parse(stats["cmd_get"], CultureInfo.InvariantCulture) >= 2);
        Assert.True(long.Parse(stats["get_hits"], CultureInfo.InvariantCulture) >= 1);
        Assert.True(long.Parse(stats["get_misses"], CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("3", stats["servers_up"]);
        Assert.Equal("0", stats["servers_tko"]);
        Assert.Equal("off", stats["delete_log"]);
        var servers = client.Stats("servers");
        Assert.Equal(_servers.Select(s => s.Address).Order(StringComparer.Ordinal), servers.Keys.Order(StringComparer.Ordinal));
        Assert.All(servers.Values, v => Assert.StartsWith("state=up", v, StringComparison.Ordinal));
    }

    [Fact]
    public void Pymemcache_client_works_against_the_router_as_in_seed_003()
    {
        string script = """
            import sys
            from pymemcache.client.base import Client
            c = Client(("127.0.0.1", int(sys.argv[1])), default_noreply=False)
            assert c.set("anotherkey", "Mcrouter is fun")
            assert c.get("anotherkey") == b"Mcrouter is fun", c.get("anotherkey")
            c.set("n", "1")
            assert c.incr("n", 41) == 42
            value, cas = c.gets("anotherkey")
            assert c.cas("anotherkey", "changed", cas)
            assert not c.cas("anotherkey", "again", cas)
            many = {f"k{i}": f"v{i}".encode() for i in range(50)}
            c.set_many(many)
            got = c.get_many(list(many))
            assert got == many, got
            assert c.delete("anotherkey")
            assert c.get("anotherkey") is None
            print("ok")
            """;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(_router.Port.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "python did not finish");
        Assert.True(process.ExitCode == 0, $"pymemcache script failed: {error}");
        Assert.Equal("ok", output.Trim());
    }

    private static Hoard.Integration.Tests.Infrastructure.TextClient TextClientFor(Memcached server) =>
        Hoard.Integration.Tests.Infrastructure.TextClient.Connect(server.Port);
    [Fact]
    public void A_pipeline_far_beyond_the_in_flight_limit_is_answered_whole_and_in_order()
    {
        using var client = _router.Connect();
        var request = new System.Text.StringBuilder();
        for (int i = 0; i < 40 * InFlightLimit; i++)
            request.Append(CultureInfo.InvariantCulture, $"set deep{i} 0 0 1\r\nx\r\nget deep{i} deep{i + 1}\r\n");
        client.Send(request.ToString());
        for (int i = 0; i < 40 * InFlightLimit; i++)
        {
            Assert.Equal("STORED", client.ReadLine());
            Assert.Equal($"VALUE deep{i} 0 1\r\nx\r\nEND\r\n", client.ReadReply(3));
        }
        Assert.Equal("STORED", client.Call("set after 0 0 1\r\ny"));
    }

    [Fact]
    public void A_client_that_reads_its_replies_late_still_gets_every_byte()
    {
        using var client = _router.Connect();
        string value = new('v', 200_000);
        Assert.Equal("STORED", client.Call($"set big 0 0 {value.Length}\r\n{value}"));
        // 60 replies of 200 KB: far more than the socket buffers hold, so the router must wait for the client.
        client.Send(string.Concat(Enumerable.Repeat("get big\r\n", 60)));
        Thread.Sleep(300);
        for (int i = 0; i < 60; i++)
        {
            Assert.Equal($"VALUE big 0 {value.Length}", client.ReadLine());
            Assert.Equal(value + "\r\n", client.ReadExactText(value + "\r\n"));
            Assert.Equal("END", client.ReadLine());
        }
        Assert.Equal("STORED", client.Call("set after-big 0 0 1\r\ny"));
    }

    [Fact]
    public void A_value_near_the_size_limit_passes_through_both_ways()
    {
        using var client = _router.Connect();
        var value = string.Create(1_000_000, 0, static (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
                span[i] = (char)('a' + (i % 26));
        });
        Assert.Equal("STORED", client.Call($"set huge 0 0 {value.Length}\r\n{value}"));
        Assert.Equal(value, client.Get("huge"));
    }

    [Fact]
    public void A_client_that_half_closes_gets_its_replies_then_the_connection_closes()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Connect(System.Net.IPAddress.Loopback, _router.Port);
        socket.ReceiveTimeout = 10_000;
        socket.Send(TextClientBytes("set half 0 0 1\r\nh\r\nget half\r\nget half-missing\r\n"));
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var received = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        Assert.Equal("STORED\r\nVALUE half 0 1\r\nh\r\nEND\r\nEND\r\n", System.Text.Encoding.ASCII.GetString([.. received]));
    }

    [Fact]
    public void Quit_in_a_pipeline_answers_what_came_before_and_closes()
    {
        using var client = _router.Connect();
        client.Send("set beforequit 0 0 1\r\nq\r\nget beforequit\r\nquit\r\nset afterquit 0 0 1\r\nz\r\n");
        Assert.Equal("STORED", client.ReadLine());
        Assert.Equal("VALUE beforequit 0 1\r\nq\r\nEND\r\n", client.ReadReply(3));
        Assert.True(client.WaitForClose(TimeSpan.FromSeconds(10)), "the router did not close the connection after quit");
        using var other = _router.Connect();
        Assert.Null(other.Get("afterquit"));
    }

    private static byte[] TextClientBytes(string text) => System.Text.Encoding.ASCII.GetBytes(text);
}

/// <summary>The front side on the router's event loops (the default on Linux x86-64).</summary>
public sealed class RouterProtocolOnEventLoopsTests : RouterProtocolTests
{
    protected override TransportKind Transport => TransportKind.Epoll;
}

/// <summary>The front side on .NET's asynchronous sockets (the transport elsewhere).</summary>
public sealed class RouterProtocolOnSocketsTests : RouterProtocolTests
{
    protected override TransportKind Transport => TransportKind.Sockets;
}
