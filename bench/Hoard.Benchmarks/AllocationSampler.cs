using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Hoard.Benchmarks;

/// <summary>
/// Names what is allocated: listens to the runtime's GC AllocationTick events (one per ~100 KB allocated, with
/// the type of the object that crossed the mark) and counts them per type and heap. A type allocated often in
/// the loop under test shows up in proportion to its bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytesByType = new();
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
            return;
        string type = "?";
        long amount = 0;
        for (int i = 0; i < eventData.Payload.Count; i++)
        {
            switch (eventData.PayloadNames?[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string ?? "?";
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    /// <summary>The sampled types, most bytes first.</summary>
    public void Print(TextWriter writer)
    {
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value))
            writer.WriteLine($"  {bytes,12:N0} B sampled  {type}");
    }
}
