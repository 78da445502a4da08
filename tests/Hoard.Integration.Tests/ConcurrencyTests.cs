using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>Many connections changing one key at once lose no update.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Sixteen_connections_doing_500_incr_each_end_at_exactly_8000()
    {
        using var server = ServerProcess.Start("-t", "4");
        using (var setup = server.Connect())
            Assert.Equal("STORED", setup.Set("counter", "0"));

        RunConcurrently(16, _ =>
        {
            using var client = server.Connect();
            for (var i = 0; i < 500; i++)
            {
                var reply = client.Call("incr counter 1");
                if (!ulong.TryParse(reply, NumberStyles.None, CultureInfo.InvariantCulture, out ulong _))
                    throw new InvalidOperationException($"incr answered '{reply}'");
            }
        });

        using var check = server.Connect();
        Assert.Equal("8000", check.Get("counter"));
    }

    [Fact]
    public void Gets_cas_retry_loops_from_8_clients_lose_no_increment()
    {
        using var server = ServerProcess.Start("-t", "4");
        using (var setup = server.Connect())
            Assert.Equal("STORED", setup.Set("total", "0"));
        var conflicts = 0;

        RunConcurrently(8, _ =>
        {
            using var client = server.Connect();
            for (var i = 0; i < 200; i++)
            {
                while (true)
                {
                    var (value, cas) = client.Gets("total") ?? throw new InvalidOperationException("total vanished");
                    var next = (long.Parse(value, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                    client.Send($"cas total 0 0 {next.Length} {cas}\r\n{next}\r\n");
                    var reply = client.ReadLine();
                    if (reply == "STORED")
                        break;
                    if (reply != "EXISTS")
                        throw new InvalidOperationException($"cas answered '{reply}'");
                    Interlocked.Increment(ref conflicts);
                }
            }
        });

        using var check = server.Connect();
        Assert.Equal("1600", check.Get("total"));
    }

    [Fact]
    public void Concurrent_appends_of_8_clients_keep_every_byte()
    {
        using var server = ServerProcess.Start("-t", "4");
        using (var setup = server.Connect())
            Assert.Equal("STORED", setup.Set("log", ""));

        RunConcurrently(8, worker =>
        {
            using var client = server.Connect();
            var token = (char)('a' + worker);
            for (var i = 0; i < 200; i++)
            {
                var reply = client.Store("append", "log", token.ToString());
                if (reply != "STORED")
                    throw new InvalidOperationException($"append answered '{reply}'");
            }
        });

        using var check = server.Connect();
        var log = check.Get("log")!;
        Assert.Equal(1600, log.Length);
        for (var worker = 0; worker < 8; worker++)
        {
            var token = (char)('a' + worker);
            Assert.Equal(200, log.Count(c => c == token));
        }
    }

    /// <summary>Runs <paramref name="body"/> on dedicated threads (they block on sockets) and rethrows the first failure.</summary>
    private static void RunConcurrently(int workers, Action<int> body)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            start.Wait();
            try
            {
                body(w);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        start.Set();
        foreach (var thread in threads)
            Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a worker did not finish within 60s");
        if (!errors.IsEmpty)
            throw new AggregateException(errors);
    }
}
