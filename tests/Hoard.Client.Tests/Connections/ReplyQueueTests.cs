using System.Buffers;
using Hoard.Client.Connections;
using Hoard.Protocol.Text;

namespace Hoard.Client.Tests.Connections;

public sealed class ReplyQueueTests
{
    [Fact]
    public void Operations_come_out_in_the_order_they_went_in_across_growth_and_wraparound()
    {
        var queue = new ReplyQueue();
        var expected = new Queue<IPendingReply>();
        var random = new Random(4);
        int next = 0;
        // Depths from empty to several times the initial ring, in and out in bursts, so positions wrap the
        // ring many times and the ring grows while it holds a wrapped run.
        for (int round = 0; round < 2_000; round++)
        {
            int adds = random.Next(0, 300);
            for (int i = 0; i < adds; i++)
            {
                var item = new QueuedReply(next++);
                queue.Enqueue(item);
                expected.Enqueue(item);
            }
            int takes = random.Next(0, 300);
            for (int i = 0; i < takes && expected.Count > 0; i++)
            {
                Assert.True(queue.TryPeek(out var peeked));
                Assert.Same(expected.Peek(), peeked);
                Assert.True(queue.TryDequeue(out var taken));
                Assert.Same(expected.Dequeue(), taken);
            }
            Assert.Equal(expected.Count, queue.Count);
        }
        while (expected.Count > 0)
        {
            Assert.True(queue.TryDequeue(out var taken));
            Assert.Same(expected.Dequeue(), taken);
        }
        Assert.False(queue.TryPeek(out _));
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_consumer_on_another_thread_sees_every_operation_once_in_order_while_the_ring_grows()
    {
        const int Items = 300_000;
        var queue = new ReplyQueue();
        var items = Enumerable.Range(0, Items).Select(i => new QueuedReply(i)).ToArray();
        var producer = new Thread(() =>
        {
            // Bursts far ahead of the consumer make the ring grow while it is being read.
            foreach (var item in items)
                queue.Enqueue(item);
        });
        int peeksWithoutItem = 0;
        bool consumed = false;
        var peeker = new Thread(() =>
        {
            // The timeout sweep peeks from its own thread: what it sees must always be a queued operation.
            while (!Volatile.Read(ref consumed))
            {
                if (queue.TryPeek(out var head) && head is null)
                    peeksWithoutItem++;
            }
        });
        producer.Start();
        peeker.Start();
        int expected = 0;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (expected < Items && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (queue.TryDequeue(out var taken))
                Assert.Equal(expected++, ((QueuedReply)taken).Number);
        }
        Volatile.Write(ref consumed, true);
        producer.Join();
        peeker.Join();
        Assert.Equal(Items, expected);
        Assert.Equal(0, peeksWithoutItem);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Once_grown_to_its_depth_the_ring_allocates_nothing()
    {
        var queue = new ReplyQueue();
        var items = Enumerable.Range(0, 500).Select(i => new QueuedReply(i)).ToArray();
        Cycle(queue, items);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            Cycle(queue, items);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(ReplyQueue queue, QueuedReply[] items)
        {
            foreach (var item in items)
                queue.Enqueue(item);
            for (int i = 0; i < items.Length; i++)
            {
                queue.TryPeek(out _);
                queue.TryDequeue(out _);
            }
        }
    }

    private sealed class QueuedReply(int number) : IPendingReply
    {
        public int Number { get; } = number;

        public long StartedTimestamp => 0;

        public string Describe() => "item " + Number;

        public void WriteRequest(IBufferWriter<byte> writer) => throw new NotSupportedException();

        public ParseStatus ReadReply(ReadOnlySpan<byte> buffer, out int consumed) => throw new NotSupportedException();

        public void CompleteFromReply() => throw new NotSupportedException();

        public void Fail(Exception error) => throw new NotSupportedException();
    }
}
