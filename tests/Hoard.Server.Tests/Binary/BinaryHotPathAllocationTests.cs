using Hoard.Protocol.Binary;
using Hoard.Server.Network;
using Hoard.Server.Text;
using Hoard.Storage;
using static Hoard.Server.Tests.Binary.BinaryFrames;

namespace Hoard.Server.Tests.Binary;

/// <summary>The binary request path through the session (frame, execute, reply) must not allocate per request.</summary>
public class BinaryHotPathAllocationTests
{
    [Fact]
    public void Get_set_incr_touch_and_delete_allocate_nothing_per_request()
    {
        var options = new ServerOptions();
        using var engine = new CacheEngine(new CacheOptions());
        var context = new ServerContext(options, engine);
        using var session = new ProtocolSession(context, new TextCommandHandler(context), 1);
        var requests = new[]
        {
            Set(BinaryOpcode.Set, "key:1", "0123456789", flags: 3),
            Request(BinaryOpcode.Get, "key:1"),
            Request(BinaryOpcode.GetK, "key:1"),
            Request(BinaryOpcode.GetQ, "key:2"),
            Request(BinaryOpcode.GetKQ, "key:1"),
            Set(BinaryOpcode.SetQ, "n", "1"),
            Counter(BinaryOpcode.Increment, "n", 5),
            Request(BinaryOpcode.Append, "key:1", value: "ab"u8.ToArray()),
            Request(BinaryOpcode.Touch, "key:1", Expiry(100)),
            Request(BinaryOpcode.GetAndTouch, "key:1", Expiry(100)),
            Request(BinaryOpcode.Delete, "key:1"),
            Request(BinaryOpcode.Noop),
        };

        void Run(byte[] request)
        {
            if (!session.MakeRoom())
                throw new InvalidOperationException("no room");
            request.CopyTo(session.ReceiveSpan);
            session.Received(request.Length);
            if (session.Process() != NextStep.Receive)
                throw new InvalidOperationException("unexpected step");
            session.OutputSent();
        }

        for (int i = 0; i < 100; i++)
            foreach (var request in requests)
                Run(request);   // warm up: JIT, pools, the first byte choosing binary
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            foreach (var request in requests)
                Run(request);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var perRequest = new List<string>();
        foreach (var request in requests)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                Run(request);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - start;
            if (bytes > 0)
                perRequest.Add($"{(BinaryOpcode)request[1]}: {bytes / 100} B");
        }
        Assert.True(allocated == 0, $"{allocated} bytes allocated for {requests.Length * 1000} requests; per request: {string.Join("; ", perRequest)}");
    }
}
