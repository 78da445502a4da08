using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics;
using System.Globalization;
using Hoard.Client;
using HdrHistogram;

namespace Hoard.Cli.Bench;

/// <summary>
/// <c>hoard bench</c>: drives memcached-compatible servers with Hoard.Client — CONCURRENCY callers, each
/// issuing one request at a time (get or set, by ratio) over pipelined connections — and prints throughput
/// and latency percentiles. Compare with memcaslap on the same server in the same run (bench/client-compare.sh).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var servers = new Option<string>("--servers") { Description = "HOST:PORT,... (default 127.0.0.1:11211)", DefaultValueFactory = _ => "127.0.0.1:11211" };
        var seconds = new Option<int>("--duration") { Description = "Seconds to run (default 10)", DefaultValueFactory = _ => 10 };
        var concurrency = new Option<int>("--concurrency") { Description = "Callers with one request each in flight (default 64)", DefaultValueFactory = _ => 64 };
        var connections = new Option<int>("--connections") { Description = "Pipelined connections per server (default 2)", DefaultValueFactory = _ => 2 };
        var valueSize = new Option<int>("--value-size") { Description = "Bytes per value (default 100)", DefaultValueFactory = _ => 100 };
        var keys = new Option<int>("--keys") { Description = "Distinct keys (default 10000)", DefaultValueFactory = _ => 10_000 };
        var getRatio = new Option<double>("--get-ratio") { Description = "Share of requests that are gets, 0-1 (default 0.9, memcaslap's)", DefaultValueFactory = _ => 0.9 };
        var protocol = new Option<string>("--protocol") { Description = "meta (default) or text", DefaultValueFactory = _ => "meta" };
        protocol.AcceptOnlyFromAmong("meta", "text");

        var command = new Command("bench", "Load servers with Hoard.Client and print ops/s and latency percentiles.")
        {
            servers, seconds, concurrency, connections, valueSize, keys, getRatio, protocol,
        };
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) => RunAsync(new Settings(
            parse.GetValue(servers)!, parse.GetValue(seconds), parse.GetValue(concurrency), parse.GetValue(connections),
            parse.GetValue(valueSize), parse.GetValue(keys), parse.GetValue(getRatio),
            parse.GetValue(protocol) == "text" ? WireProtocol.Text : WireProtocol.Meta), output, error, cancellationToken));
        return command;
    }

    private sealed record Settings(string Servers, int Seconds, int Concurrency, int Connections, int ValueSize, int Keys, double GetRatio, WireProtocol Protocol);

    private static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? problem = settings switch
        {
            { Seconds: <= 0 } => "--duration must be positive",
            { Concurrency: <= 0 } => "--concurrency must be positive",
            { ValueSize: < 0 or > 1024 * 1024 } => "--value-size must be 0-1048576",
            { Keys: <= 0 } => "--keys must be positive",
            { GetRatio: < 0 or > 1 } => "--get-ratio must be between 0 and 1",
            _ => null,
        };
        var options = new HoardClientOptions { ConnectionsPerServer = Math.Clamp(settings.Connections, 1, 64), Protocol = settings.Protocol };
        foreach (var server in settings.Servers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            options.Servers.Add(server);
        var invalid = options.Validate();
        problem ??= invalid.Count > 0 ? invalid[0] : null;
        if (problem is not null)
        {
            await error.WriteLineAsync("hoard bench: " + problem).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        await using var client = new HoardClient(options);
        var value = new byte[settings.ValueSize];
        var keys = Enumerable.Range(0, settings.Keys).Select(i => "bench:" + i.ToString("D8", CultureInfo.InvariantCulture)).ToArray();
        try
        {
            // Every key exists, so gets measure hits (memcaslap's default load does the same after its warm-up).
            foreach (var chunk in keys.Chunk(256))
                await Task.WhenAll(chunk.Select(k => client.SetAsync(k, value, cancellationToken: cancellationToken).AsTask())).ConfigureAwait(false);
        }
        catch (HoardException e)
        {
            await error.WriteLineAsync("hoard bench: cannot load the keys: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Unavailable;
        }

        var histograms = new LongHistogram[settings.Concurrency];
        long errors = 0;
        var clock = Stopwatch.StartNew();
        long end = Stopwatch.GetTimestamp() + (long)(settings.Seconds * (double)Stopwatch.Frequency);
        var callers = Enumerable.Range(0, settings.Concurrency).Select(async index =>
        {
            var histogram = histograms[index] = new LongHistogram(TimeStamp.Seconds(10), 3);
            var random = new Random(index);
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                string key = keys[random.Next(keys.Length)];
                long started = Stopwatch.GetTimestamp();
                try
                {
                    if (random.NextDouble() < settings.GetRatio)
                        await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
                    else
                        await client.SetAsync(key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
                    histogram.RecordValue(Stopwatch.GetTimestamp() - started);
                }
                catch (HoardException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(callers).ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalSeconds;

        var total = new LongHistogram(TimeStamp.Seconds(10), 3);
        foreach (var histogram in histograms)
            total.Add(histogram);
        double Micros(double percentile) => total.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
        var inv = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Format(inv,
            "{0} requests in {1:F1} s: {2:N0} ops/s ({3:P0} gets, {4} B values, {5} callers, {6} connections/server, {7}); errors {8}",
            total.TotalCount, elapsed, total.TotalCount / elapsed, settings.GetRatio, settings.ValueSize, settings.Concurrency,
            options.ConnectionsPerServer, settings.Protocol == WireProtocol.Text ? "text protocol" : "meta protocol", errors)).ConfigureAwait(false);
        await output.WriteLineAsync(string.Format(inv, "latency µs: p50 {0:F0}  p90 {1:F0}  p99 {2:F0}  p99.9 {3:F0}  max {4:F0}",
            Micros(50), Micros(90), Micros(99), Micros(99.9), total.GetMaxValue() * 1_000_000.0 / Stopwatch.Frequency)).ConfigureAwait(false);
        return errors == 0 ? ExitCodes.Success : ExitCodes.Unavailable;
    }
}
