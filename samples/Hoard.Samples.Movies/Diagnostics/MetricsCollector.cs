using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Hoard.Samples.Movies.Diagnostics;

/// <summary>
/// Listens to the sample's meter, Hoard.Client's and ASP.NET Core's request duration in this process and
/// keeps running totals per instrument and tag set, for <c>/metrics</c> in Prometheus' text format
/// (counters as <c>_total</c>, histograms as a summary's <c>_count</c> and <c>_sum</c>). The sample's and
/// ASP.NET Core's meters are taken only from this application's <see cref="IMeterFactory"/>, so another host in
/// the same process (a test) is not counted; Hoard.Client's meter is process-wide.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>ASP.NET Core's request tags worth keeping; the others would multiply the series for nothing.</summary>
    private static readonly HashSet<string> HttpTags = ["http.request.method", "http.route", "http.response.status_code"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), Series> _series = new();
    private readonly IMeterFactory _meterFactory;

    public MetricsCollector(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Wanted(instrument))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every series, in the Prometheus text exposition format.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Meter.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            bool histogram = IsHistogram(instrument);
            bool counter = !histogram && IsCounter(instrument);
            string name = MetricName(instrument) + (counter ? "_total" : "");
            if (!string.IsNullOrEmpty(instrument.Description))
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(histogram ? "summary" : counter ? "counter" : "gauge").Append('\n');
            foreach (var (key, series) in group.OrderBy(s => s.Key.Tags, StringComparer.Ordinal))
            {
                var (count, sum) = series.Read();
                string labels = key.Tags.Length == 0 ? "" : "{" + key.Tags + "}";
                if (histogram)
                {
                    text.Append(name).Append("_count").Append(labels).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(name).Append("_sum").Append(labels).Append(' ').Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
                else
                {
                    text.Append(name).Append(labels).Append(' ').Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private bool Wanted(Instrument instrument) => instrument.Meter.Name switch
    {
        "Hoard.Client" => true,
        MoviesMetrics.MeterName => instrument.Meter.Scope == _meterFactory,
        "Microsoft.AspNetCore.Hosting" => instrument.Meter.Scope == _meterFactory && instrument.Name == "http.server.request.duration",
        _ => false,
    };

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd((instrument, Labels(instrument, tags)), static _ => new Series());
        // Counters and histograms report increments; observable instruments report their current total.
        if (IsHistogram(instrument) || instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Counter<>))
            series.Add(value);
        else
            series.Set(value);
    }

    private static string Labels(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
            return "";
        bool http = instrument.Meter.Name == "Microsoft.AspNetCore.Hosting";
        var pairs = new List<(string Name, string Value)>(tags.Length);
        foreach (var (name, value) in tags)
        {
            if (http && !HttpTags.Contains(name))
                continue;
            string text = value switch
            {
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "",
            };
            pairs.Add((Sanitize(name), text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)));
        }
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return string.Join(",", pairs.Select(p => $"{p.Name}=\"{p.Value}\""));
    }

    private static string MetricName(Instrument instrument) =>
        Sanitize(instrument.Name) + (instrument.Unit == "s" ? "_seconds" : instrument.Unit == "By" ? "_bytes" : "");

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
                chars[i] = '_';
        }
        return new string(chars);
    }

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);

    private static bool IsCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
            return false;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
    }

    /// <summary>One instrument with one set of tags: a count and a sum (or the last value, for gauges).</summary>
    private sealed class Series
    {
        private readonly Lock _gate = new();
        private long _count;
        private double _sum;

        public void Add(double value)
        {
            lock (_gate)
            {
                _count++;
                _sum += value;
            }
        }

        public void Set(double value)
        {
            lock (_gate)
            {
                _count = 1;
                _sum = value;
            }
        }

        public (long Count, double Sum) Read()
        {
            lock (_gate)
                return (_count, _sum);
        }
    }
}
