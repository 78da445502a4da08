using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary>
/// Replies where the exact bytes matter. Every expected string here is what memcached 1.6.18 answers
/// (checked by running the suite with HOARD_TEST_SERVER=memcached). Each test gets its own server.
/// </summary>
public sealed class ProtocolConformanceTests
{
    [Fact]
    public void Unknown_command_gets_ERROR()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "bogus\r\n", "ERROR\r\n");
        AssertExchange(client, "GET k\r\n", "ERROR\r\n"); // commands are case sensitive
        AssertExchange(client, "\r\n", "ERROR\r\n");
        AssertExchange(client, "version\r\n", $"VERSION {Version(client)}\r\n");
    }

    [Fact]
    public void Storage_commands_reply_memcached_status_strings()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set k 5 0 3\r\nabc\r\n", "STORED\r\n");
        AssertExchange(client, "get k\r\n", "VALUE k 5 3\r\nabc\r\nEND\r\n");
        AssertExchange(client, "add k 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
        AssertExchange(client, "replace nokey 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
        AssertExchange(client, "append k 0 0 2\r\nde\r\n", "STORED\r\n");
        AssertExchange(client, "prepend k 0 0 2\r\nzz\r\n", "STORED\r\n");
        AssertExchange(client, "append nokey 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
        AssertExchange(client, "get k nokey\r\n", "VALUE k 5 7\r\nzzabcde\r\nEND\r\n");
        var (_, cas) = client.Gets("k")!.Value;
        AssertExchange(client, $"cas k 1 0 2 {cas + 1000}\r\nno\r\n", "EXISTS\r\n");
        AssertExchange(client, $"cas k 1 0 2 {cas}\r\nok\r\n", "STORED\r\n");
        AssertExchange(client, "cas nokey 0 0 1 1\r\nx\r\n", "NOT_FOUND\r\n");
        AssertExchange(client, "touch k 100\r\n", "TOUCHED\r\n");
        AssertExchange(client, "touch nokey 100\r\n", "NOT_FOUND\r\n");
        AssertExchange(client, "incr nokey 1\r\n", "NOT_FOUND\r\n");
        AssertExchange(client, "delete k\r\n", "DELETED\r\n");
        AssertExchange(client, "delete k\r\n", "NOT_FOUND\r\n");
        AssertExchange(client, "get k\r\n", "END\r\n");
        // noreply: nothing comes back, so the next reply on the wire is the get's.
        client.Send("set q 0 0 1 noreply\r\nv\r\ndelete nokey noreply\r\nincr nokey 1 noreply\r\n");
        AssertExchange(client, "get q\r\n", "VALUE q 0 1\r\nv\r\nEND\r\n");
    }

    [Fact]
    public void Non_numeric_length_is_a_bad_command_line()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set k 0 0 abc\r\n", "CLIENT_ERROR bad command line format\r\n");
        AssertExchange(client, "set k 0 0 -1\r\n", "CLIENT_ERROR bad command line format\r\n");
        AssertStillServes(client);
    }

    [Fact]
    public void Data_block_of_the_wrong_length_is_a_bad_data_chunk_and_the_connection_keeps_working()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        client.Send("set k 0 0 3\r\nabcd\r\n");
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", client.ReadRawLine());
        AssertStillServes(client);
        AssertExchange(client, "get k\r\n", "END\r\n"); // nothing half-stored
    }

    [Fact]
    public void Value_larger_than_the_item_size_limit_is_refused_and_the_connection_keeps_working()
    {
        using var server = ServerProcess.Start("-I", "2097152");
        using var client = server.Connect();
        var tooLarge = new string('a', 3_000_000);
        AssertExchange(client, $"set big 0 0 {tooLarge.Length}\r\n{tooLarge}\r\n", "SERVER_ERROR object too large for cache\r\n");
        AssertExchange(client, "version\r\n", $"VERSION {Version(client)}\r\n");
        AssertExchange(client, "get big\r\n", "END\r\n");
        var fits = new string('b', 1_500_000);
        AssertExchange(client, $"set fits 0 0 {fits.Length}\r\n{fits}\r\n", "STORED\r\n");
        Assert.Equal(fits, client.Get("fits"));
    }

    [Fact]
    public void Key_of_250_bytes_works_and_251_bytes_is_a_bad_command_line()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        var key250 = new string('k', 250);
        var key251 = new string('k', 251);
        AssertExchange(client, $"set {key250} 0 0 1\r\nx\r\n", "STORED\r\n");
        AssertExchange(client, $"get {key250}\r\n", $"VALUE {key250} 0 1\r\nx\r\nEND\r\n");
        AssertExchange(client, $"get {key251}\r\n", "CLIENT_ERROR bad command line format\r\n");
        client.Send($"set {key251} 0 0 1\r\nx\r\n");
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", client.ReadRawLine());
        AssertStillServes(client); // memcached then reads "x" as a command and answers ERROR; tolerated
    }

    [Fact]
    public void Incr_on_a_non_numeric_value_is_a_client_error()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set n 0 0 2\r\nab\r\n", "STORED\r\n");
        AssertExchange(client, "incr n 1\r\n", "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
        AssertExchange(client, "decr n 1\r\n", "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
        AssertExchange(client, "incr n abc\r\n", "CLIENT_ERROR invalid numeric delta argument\r\n");
        AssertExchange(client, "get n\r\n", "VALUE n 0 2\r\nab\r\nEND\r\n");
    }

    [Fact]
    public void Decr_below_zero_stops_at_zero()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set n 0 0 1\r\n5\r\n", "STORED\r\n");
        AssertExchange(client, "decr n 10\r\n", "0\r\n");
        AssertExchange(client, "decr n 1\r\n", "0\r\n");
        AssertExchange(client, "incr n 7\r\n", "7\r\n");
        AssertExchange(client, "get n\r\n", "VALUE n 0 1\r\n7\r\nEND\r\n");
    }

    [Fact]
    public void Incr_wraps_around_at_2_to_the_64()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "set n 0 0 20\r\n18446744073709551615\r\n", "STORED\r\n");
        AssertExchange(client, "incr n 2\r\n", "1\r\n");
        AssertExchange(client, "incr n 18446744073709551615\r\n", "0\r\n");
        AssertExchange(client, "incr n 18446744073709551616\r\n", "CLIENT_ERROR invalid numeric delta argument\r\n");
    }

    [Fact]
    public void Full_cache_with_M_answers_out_of_memory_instead_of_evicting()
    {
        using var server = ServerProcess.Start("-M", "-m", "8");
        using var client = server.Connect();
        var value = new string('v', 1000);
        string? refusal = null;
        var stored = 0;
        const int batch = 100;
        for (var i = 0; i < 30_000 && refusal is null; i += batch)
        {
            var request = new System.Text.StringBuilder();
            for (var j = i; j < i + batch; j++)
                request.Append(CultureInfo.InvariantCulture, $"set m{j} 0 0 {value.Length}\r\n{value}\r\n");
            client.Send(request.ToString());
            for (var j = 0; j < batch; j++)
            {
                var line = client.ReadLine();
                if (line == "STORED")
                    stored++;
                else
                    refusal ??= line;
            }
        }
        Assert.Equal("SERVER_ERROR out of memory storing object", refusal);
        Assert.True(stored > 1000, $"only {stored} items fitted in 8 MB");
        Assert.Equal(0, client.Stat("evictions"));
        Assert.Equal(value, client.Get("m0")); // the oldest item was not evicted
        AssertStillServes(client);
    }

    [Fact]
    public void Line_of_3000_bytes_without_a_newline_closes_the_connection()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        client.Send(new string('x', 3000));
        Assert.True(client.WaitForClose(TimeSpan.FromSeconds(5)), "the server kept a 3000-byte unterminated line open");
        using var other = server.Connect();
        AssertStillServes(other);
    }

    [Fact]
    public void Get_of_300_keys_on_a_line_longer_than_2048_bytes_works()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        var keys = Enumerable.Range(0, 300).Select(i => $"long-get-key-{i:D4}").ToList();
        for (var i = 0; i < keys.Count; i += 2)
            Assert.Equal("STORED", client.Set(keys[i], $"v{i}"));
        Assert.True(string.Join(' ', keys).Length > 2048);
        var found = client.GetMany(keys);
        Assert.Equal(150, found.Count);
        for (var i = 0; i < keys.Count; i += 2)
            Assert.Equal($"v{i}", found[keys[i]]);
        Assert.Equal(150, client.GetMany(keys, "gets").Count);
    }

    [Fact]
    public void Connections_beyond_the_limit_get_an_error_and_are_closed_while_the_others_keep_working()
    {
        // memcached counts its own descriptors against -c, so "-c 10" does not even start there; hoard counts
        // client connections only and must refuse exactly the 11th.
        using var server = TestServer.IsMemcached
            ? ServerProcess.Start("-c", "40", "-t", "1")
            : ServerProcess.Start("-c", "10");
        var accepted = new List<TextClient>();
        try
        {
            int? rejectedAt = null;
            for (var n = 1; n <= 60 && rejectedAt is null; n++)
            {
                var client = server.Connect();
                client.Timeout = TimeSpan.FromSeconds(5);
                client.Send("version\r\n");
                var line = client.ReadLine();
                if (line.StartsWith("VERSION ", StringComparison.Ordinal))
                {
                    accepted.Add(client);
                    continue;
                }
                rejectedAt = n;
                Assert.Equal("ERROR Too many open connections", line);
                Assert.True(client.WaitForClose(TimeSpan.FromSeconds(5)), "the refused connection was not closed");
                client.Dispose();
            }
            Assert.NotNull(rejectedAt);
            if (TestServer.IsMemcached)
                Assert.InRange(rejectedAt!.Value, 2, 41);
            else
                Assert.Equal(11, rejectedAt);

            foreach (var client in accepted)
                Assert.StartsWith("VERSION ", client.Call("version"), StringComparison.Ordinal);

            // Closing one frees a slot.
            accepted[0].Dispose();
            accepted.RemoveAt(0);
            string? reply = null;
            for (var attempt = 0; attempt < 20; attempt++)
            {
                using var again = server.Connect();
                again.Timeout = TimeSpan.FromSeconds(5);
                reply = again.Call("version");
                if (reply.StartsWith("VERSION ", StringComparison.Ordinal))
                    break;
                Thread.Sleep(100);
            }
            Assert.StartsWith("VERSION ", reply, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in accepted)
                client.Dispose();
        }
    }
}
