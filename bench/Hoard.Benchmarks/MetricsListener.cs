using System.Diagnostics.Metrics;

namespace Hoard.Benchmarks;

/// <summary>
/// Listens to every instrument of the <c>Hoard.Client</c> meter and adds up what it hears, allocating nothing
/// itself, so that what the client allocates to report its measurements (tags, boxing) is what is counted.
/// </summary>
internal static class MetricsListener
{
    private static long _longs;
    private static long _doubles;

    /// <summary>Measurements heard: counter increments, and histogram recordings.</summary>
    public static (long Counted, long Recorded) Heard => (Volatile.Read(ref _longs), Volatile.Read(ref _doubles));

    public static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Hoard.Client")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, value, _, _) => Interlocked.Add(ref _longs, value));
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => Interlocked.Increment(ref _doubles));
        listener.Start();
        return listener;
    }
}
