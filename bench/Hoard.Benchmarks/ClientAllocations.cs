using System.Net;
using Hoard.Client;
using Hoard.Server;

namespace Hoard.Benchmarks;

/// <summary>
/// Bytes allocated per awaited call, counted over every thread of the process (the I/O and pool threads a
/// request crosses included), without a benchmark harness around the await:
/// <c>dotnet run -c Release -- client-allocations</c>.
/// </summary>
internal static class ClientAllocations
{
    public static async Task RunAsync()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, Threads = 1 });
        await server.StartAsync();
        var options = new HoardClientOptions { ConnectionsPerServer = 1 };
        options.Servers.Add("127.0.0.1:" + ((IPEndPoint)server.TcpEndPoints[0]).Port);
        await using var client = new HoardClient(options);
        var value = new byte[100];
        ReadOnlyMemory<byte> raw = value;
        // Warm-up: pools, queues and JIT reach their steady state.
        for (int i = 0; i < 20_000; i++)
        {
            await client.SetAsync("k", raw);
            await client.GetAsync("k");
        }
        const int Calls = 50_000;
        long start = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Calls; i++)
            await client.GetAsync("k");
        long afterGets = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Calls; i++)
            await client.SetAsync("k", raw);
        long afterSets = GC.GetTotalAllocatedBytes(precise: true);
        Console.WriteLine($"GetAsync: {(afterGets - start) / (double)Calls:F0} B per call (the returned 100-byte value is a 124-byte array)");
        Console.WriteLine($"SetAsync: {(afterSets - afterGets) / (double)Calls:F0} B per call");
    }
}
