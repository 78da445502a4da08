using System.Diagnostics;
using System.Net;
using Hoard.Protocol.Tests.Fuzz;

namespace Hoard.Server.Tests.Hardening;

/// <summary>Totals of a server fuzz run.</summary>
internal sealed class ServerFuzzRun
{
    public long Connections;
    public long BinaryConnections;
    public long BinaryAnswered;
    public long Inputs;
    public long BytesSent;
    public long BytesReceived;
    public long ClosedEarly;
    public long Hung;
    public long Stored;
    public long Errors;
    public long Values;
    public TimeSpan Elapsed;
    public TimeSpan Slowest;
    /// <summary>Connections that took over 250 ms (after the first 1,000, which include the JIT warming up).</summary>
    public long SlowAfterWarmUp;
    public long SlowestIndex;
    public readonly List<string> HungStreams = [];

    public string Summary() => FormattableString.Invariant(
        $"{Connections:N0} connections ({BinaryConnections:N0} binary, {BinaryAnswered:N0} answered in binary) with {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s; ")
        + FormattableString.Invariant($"sent {BytesSent:N0} bytes, received {BytesReceived:N0}; {ClosedEarly:N0} closed by the server before the stream ended, {Hung:N0} hung; ")
        + FormattableString.Invariant($"replies seen: {Stored:N0} STORED, {Values:N0} values, {Errors:N0} errors; slowest connection #{SlowestIndex} took {Slowest.TotalMilliseconds:F0} ms, {SlowAfterWarmUp:N0} over 250 ms after the first 1,000");
}

/// <summary>
/// Runs fuzz connections against a server: connection <c>i</c> of seed <c>s</c> sends the stream built from
/// <see cref="FuzzRng.ForInput"/>(s, i), so a failing connection replays. One in four streams is binary-protocol
/// frames (starting with 0x80), the rest 1-24 mutated text and meta inputs back to back.
/// </summary>
internal static class ServerFuzzer
{
    /// <summary>The server corpus: no <c>cache_memlimit</c>, values well within the server's <c>-I</c>.</summary>
    private static readonly CorpusOptions Corpus = new() { IncludeCacheMemLimit = false, MaxValueLength = 8 * 1024 };

    public static ServerFuzzRun Run(EndPoint endPoint, ulong seed, long first, long connections, TimeSpan duration, int parallelism)
    {
        var run = new ServerFuzzRun();
        var clock = Stopwatch.StartNew();
        long next = first - 1;
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Factory.StartNew(() =>
        {
            var mutator = new Mutator(new CommandCorpus(Corpus));
            var binary = new BinaryFrameGenerator();
            var input = new ByteBuilder();
            var stream = new ByteBuilder();
            while (true)
            {
                long index = Interlocked.Increment(ref next);
                if (index >= first + connections || (duration > TimeSpan.Zero && clock.Elapsed > duration))
                    return;
                var rng = FuzzRng.ForInput(seed, index);
                stream.Clear();
                bool isBinary = rng.OneIn(4);
                int inputs = rng.Next(1, 25);
                for (int i = 0; i < inputs; i++)
                {
                    if (isBinary)
                    {
                        BinaryParserFuzzer.Generate(binary, ref rng, input);
                    }
                    else
                    {
                        mutator.Generate(ref rng, input);
                    }
                    stream.Append(input.Span);
                }
                var started = clock.Elapsed;
                var outcome = FuzzConnection.Run(endPoint, stream.ToArray(), rng.NextUInt64(), TimeSpan.FromSeconds(10));
                var took = clock.Elapsed - started;
                lock (run)
                {
                    if (took > TimeSpan.FromMilliseconds(250) && index >= 1000)
                        run.SlowAfterWarmUp++;
                    if (took > run.Slowest)
                    {
                        run.Slowest = took;
                        run.SlowestIndex = index;
                    }
                    run.Connections++;
                    run.BinaryConnections += isBinary ? 1 : 0;
                    run.BinaryAnswered += outcome.BinaryReply ? 1 : 0;
                    run.Inputs += inputs;
                    run.BytesSent += outcome.BytesSent;
                    run.BytesReceived += outcome.BytesReceived;
                    run.ClosedEarly += outcome.ClosedEarly ? 1 : 0;
                    run.Stored += outcome.Stored;
                    run.Errors += outcome.Errors;
                    run.Values += outcome.Values;
                    if (outcome.Hung)
                    {
                        run.Hung++;
                        run.HungStreams.Add($"connection #{index} (HOARD_FUZZ_REPLAY={index}): {FuzzFailure.Escape(stream.Span, 400)}");
                    }
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);
        run.Elapsed = clock.Elapsed;
        return run;
    }
}
