namespace Hoard.Client.Connections;

/// <summary>
/// The operations of one connection awaiting their replies, in request order: a ring buffer that reuses its
/// array, so queueing a request allocates nothing once the ring has grown to the connection's peak depth.
/// (A <c>ConcurrentQueue</c> cannot reuse its segments once it has been peeked, and the receive loop peeks at
/// every reply: it allocated about 24 bytes per request.)
/// <para>
/// One producer at a time (callers enqueue under the connection's lock) and lock-free towards the consumers,
/// so the receive loop never waits for a caller thread preempted while it writes its request. The consumers
/// (the receive loop, a connection breaking, the timeout sweep peeking) take a lock of their own, held only
/// for a peek or a dequeue.
/// </para>
/// </summary>
internal sealed class ReplyQueue
{
    private const int InitialCapacity = 64;

    private readonly Lock _consumerGate = new();
    private IPendingReply?[] _items = new IPendingReply?[InitialCapacity];
    // Monotonic positions: the slot of position p is p & (length - 1). _head is written only by consumers
    // (under _consumerGate), _tail only by the producer.
    private long _head;
    private long _tail;

    /// <summary>Operations queued now (a snapshot).</summary>
    public int Count
    {
        get
        {
            // Head first: the tail read after it is never behind it.
            long head = Volatile.Read(ref _head);
            return (int)(Volatile.Read(ref _tail) - head);
        }
    }

    /// <summary>Appends <paramref name="operation"/>. Callers must not enqueue concurrently with each other.</summary>
    public void Enqueue(IPendingReply operation)
    {
        var items = _items;
        long tail = _tail;
        if (tail - Volatile.Read(ref _head) >= items.Length)
            items = Grow(items, tail);
        items[tail & (items.Length - 1)] = operation;
        // Publishes the slot (and a grown array) to consumers, which read _tail before _items.
        Volatile.Write(ref _tail, tail + 1);
    }

    /// <summary>The oldest operation, left on the queue.</summary>
    public bool TryPeek(out IPendingReply operation)
    {
        lock (_consumerGate)
            return TryReadHead(out operation, out _, out _);
    }

    /// <summary>Takes the oldest operation off the queue.</summary>
    public bool TryDequeue(out IPendingReply operation)
    {
        lock (_consumerGate)
        {
            if (!TryReadHead(out operation, out var items, out long head))
                return false;
            // Cleared so a finished operation is not kept alive by the ring; then the slot is the producer's.
            items[head & (items.Length - 1)] = null;
            Volatile.Write(ref _head, head + 1);
            return true;
        }
    }

    private bool TryReadHead(out IPendingReply operation, out IPendingReply?[] items, out long head)
    {
        head = _head;
        long tail = Volatile.Read(ref _tail);
        items = Volatile.Read(ref _items);
        if (head == tail)
        {
            operation = null!;
            return false;
        }
        operation = items[head & (items.Length - 1)]!;
        return true;
    }

    private IPendingReply?[] Grow(IPendingReply?[] items, long tail)
    {
        // The producer never writes the old array again, so a consumer still reading it finds every queued slot;
        // one that reads the new tail reads the new array too (published first).
        var bigger = new IPendingReply?[items.Length * 2];
        for (long position = Volatile.Read(ref _head); position < tail; position++)
            bigger[position & (bigger.Length - 1)] = items[position & (items.Length - 1)];
        Volatile.Write(ref _items, bigger);
        return bigger;
    }
}
