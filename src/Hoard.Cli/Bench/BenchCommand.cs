using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
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
        var interval = new Option<int>("--interval") { Description = "Print ops/s, errors and p99 every N seconds as well (default 0: only at the end)", DefaultValueFactory = _ => 0 };
        var operationTimeout = new Option<int>("--operation-timeout") { Description = "Milliseconds a request may take before it fails (the client's OperationTimeout; default 1000)", DefaultValueFactory = _ => 1000 };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Milliseconds a connect may take (default 5000)", DefaultValueFactory = _ => 5000 };
        var failureLimit = new Option<int>("--failure-limit") { Description = "Failures in a row that eject a server from the ring (0: never; default 2)", DefaultValueFactory = _ => 2 };
        var retryTimeout = new Option<int>("--retry-timeout") { Description = "Milliseconds an ejected server stays out before it is tried again (default 30000)", DefaultValueFactory = _ => 30_000 };

        var command = new Command("bench", "Load servers with Hoard.Client and print ops/s and latency percentiles. Ctrl-C (SIGINT) or SIGTERM ends the run early, with the summary of what ran.")
        {
            servers, seconds, concurrency, connections, valueSize, keys, getRatio, protocol, interval, operationTimeout, connectTimeout, failureLimit, retryTimeout,
        };
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) => RunAsync(new Settings(
            parse.GetValue(servers)!, parse.GetValue(seconds), parse.GetValue(concurrency), parse.GetValue(connections),
            parse.GetValue(valueSize), parse.GetValue(keys), parse.GetValue(getRatio),
            parse.GetValue(protocol) == "text" ? WireProtocol.Text : WireProtocol.Meta,
            parse.GetValue(interval), parse.GetValue(operationTimeout), parse.GetValue(connectTimeout), parse.GetValue(failureLimit),
            parse.GetValue(retryTimeout)), output, error, cancellationToken));
        return command;
    }

    private sealed record Settings(string Servers, int Seconds, int Concurrency, int Connections, int ValueSize, int Keys, double GetRatio, WireProtocol Protocol,
        int Interval, int OperationTimeoutMs, int ConnectTimeoutMs, int FailureLimit, int RetryTimeoutMs);

    private static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? problem = settings switch
        {
            { Seconds: <= 0 } => "--duration must be positive",
            { Concurrency: <= 0 } => "--concurrency must be positive",
            { ValueSize: < 0 or > 1024 * 1024 } => "--value-size must be 0-1048576",
            { Keys: <= 0 } => "--keys must be positive",
            { GetRatio: < 0 or > 1 } => "--get-ratio must be between 0 and 1",
            { Interval: < 0 } => "--interval must be 0 or more",
            { OperationTimeoutMs: <= 0 } => "--operation-timeout must be positive",
            { ConnectTimeoutMs: <= 0 } => "--connect-timeout must be positive",
            { FailureLimit: < 0 } => "--failure-limit must be 0 or more",
            { RetryTimeoutMs: < 0 } => "--retry-timeout must be 0 or more",
            _ => null,
        };
        var options = new HoardClientOptions
        {
            ConnectionsPerServer = Math.Clamp(settings.Connections, 1, 64),
            Protocol = settings.Protocol,
            OperationTimeout = TimeSpan.FromMilliseconds(settings.OperationTimeoutMs),
            ConnectTimeout = TimeSpan.FromMilliseconds(settings.ConnectTimeoutMs),
            FailureLimit = settings.FailureLimit,
            RetryTimeout = TimeSpan.FromMilliseconds(settings.RetryTimeoutMs),
        };
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
        // Each interval's latencies, recorded by every caller under one lock, swapped out when the interval is printed.
        var intervalGate = new Lock();
        var intervalHistogram = new LongHistogram(TimeStamp.Seconds(10), 3);
        long errors = 0;
        // SIGINT/SIGTERM end the run early: the callers finish their request in flight and the summary is printed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopEarly);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopEarly);
        void StopEarly(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        var clock = Stopwatch.StartNew();
        long end = Stopwatch.GetTimestamp() + (long)(settings.Seconds * (double)Stopwatch.Frequency);
        var callers = Enumerable.Range(0, settings.Concurrency).Select(async index =>
        {
            var histogram = histograms[index] = new LongHistogram(TimeStamp.Seconds(10), 3);
            var random = new Random(index);
            while (Stopwatch.GetTimestamp() < end && !stop.IsCancellationRequested)
            {
                string key = keys[random.Next(keys.Length)];
                long started = Stopwatch.GetTimestamp();
                try
                {
                    if (random.NextDouble() < settings.GetRatio)
                        await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
                    else
                        await client.SetAsync(key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
                    long took = Stopwatch.GetTimestamp() - started;
                    histogram.RecordValue(took);
                    if (settings.Interval > 0)
                    {
                        lock (intervalGate)
                            intervalHistogram.RecordValue(took);
                    }
                }
                catch (HoardException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        var all = Task.WhenAll(callers);
        if (settings.Interval > 0)
        {
            long errorsBefore = 0;
            var inv = CultureInfo.InvariantCulture;
            while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(settings.Interval), CancellationToken.None)).ConfigureAwait(false) != all)
            {
                LongHistogram finished;
                lock (intervalGate)
                {
                    finished = intervalHistogram;
                    intervalHistogram = new LongHistogram(TimeStamp.Seconds(10), 3);
                }
                long errorsNow = Interlocked.Read(ref errors);
                await output.WriteLineAsync(string.Format(inv, "{0,6:F1} s  {1,10:N0} ops/s  errors {2}  p99 {3:F0} µs",
                    clock.Elapsed.TotalSeconds, finished.TotalCount / (double)settings.Interval, errorsNow - errorsBefore,
                    finished.TotalCount == 0 ? 0 : finished.GetValueAtPercentile(99) * 1_000_000.0 / Stopwatch.Frequency)).ConfigureAwait(false);
                errorsBefore = errorsNow;
            }
        }
        await all.ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalSeconds;

        var total = new LongHistogram(TimeStamp.Seconds(10), 3);
        foreach (var histogram in histograms)
            total.Add(histogram);
        double Micros(double percentile) => total.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
        var culture = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Format(culture,
            "{0} requests in {1:F1} s{9}: {2:N0} ops/s ({3:P0} gets, {4} B values, {5} callers, {6} connections/server, {7}); errors {8}",
            total.TotalCount, elapsed, total.TotalCount / elapsed, settings.GetRatio, settings.ValueSize, settings.Concurrency,
            options.ConnectionsPerServer, settings.Protocol == WireProtocol.Text ? "text protocol" : "meta protocol", errors,
            stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? " (stopped early by a signal)" : "")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Format(culture, "latency µs: p50 {0:F0}  p90 {1:F0}  p99 {2:F0}  p99.9 {3:F0}  max {4:F0}",
            Micros(50), Micros(90), Micros(99), Micros(99.9), total.GetMaxValue() * 1_000_000.0 / Stopwatch.Frequency)).ConfigureAwait(false);
        return errors == 0 ? ExitCodes.Success : ExitCodes.Unavailable;
    }
}
