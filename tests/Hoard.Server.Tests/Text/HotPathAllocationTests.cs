using System.Text;
using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server.Text;
using Hoard.Storage;

namespace Hoard.Server.Tests.Text;

/// <summary>The request path (parse, execute, write the reply) must not allocate: no per-request garbage.</summary>
public class HotPathAllocationTests
{
    [Fact]
    public void Get_set_incr_and_delete_allocate_nothing_per_request()
    {
        var options = new ServerOptions();
        using var engine = new CacheEngine(new CacheOptions());
        var context = new ServerContext(options, engine);
        var handler = new TextCommandHandler(context);
        using var output = new OutputBuffer();
        var requests = new[]
        {
            Encoding.ASCII.GetBytes("set key:1 0 0 10\r\n0123456789\r\n"),
            Encoding.ASCII.GetBytes("get key:1 key:2 key:3\r\n"),
            Encoding.ASCII.GetBytes("gets key:1\r\n"),
            Encoding.ASCII.GetBytes("set n 0 0 1\r\n1\r\n"),
            Encoding.ASCII.GetBytes("incr n 5\r\n"),
            Encoding.ASCII.GetBytes("append key:1 0 0 2\r\nab\r\n"),
            Encoding.ASCII.GetBytes("touch key:1 100\r\n"),
            Encoding.ASCII.GetBytes("delete key:1\r\n"),
        };

        void RunAll()
        {
            foreach (var request in requests)
            {
                if (TextCommandParser.TryParse(request, ParserLimits.Default, out var command, out _) != ParseStatus.Complete)
                    throw new InvalidOperationException("request did not parse");
                int resume = 0;
                handler.Execute(ref command, output, ref resume);
                output.Reset();
            }
        }

        for (int i = 0; i < 100; i++)
            RunAll();   // warm up: JIT, pools, index growth
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            RunAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var perRequest = new List<string>();
        foreach (var request in requests)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                TextCommandParser.TryParse(request, ParserLimits.Default, out var command, out _);
                int resume = 0;
                handler.Execute(ref command, output, ref resume);
                output.Reset();
            }
            long bytes = GC.GetAllocatedBytesForCurrentThread() - start;
            if (bytes > 0)
                perRequest.Add($"{Encoding.ASCII.GetString(request).Split('\r')[0]}: {bytes / 100} B");
        }
        Assert.True(allocated == 0, $"{allocated} bytes allocated for 8000 requests; per request: {string.Join("; ", perRequest)}");
    }
}
