using System.Diagnostics;
using Hoard.Protocol.Binary;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>Counts of a <see cref="BinaryParserFuzzer"/> run.</summary>
public sealed class BinaryFuzzStatistics
{
    public long Inputs;
    public long Bytes;
    public long Complete;
    public long BadMagic;
    public long BadLengths;
    public long IncompleteTails;
    public long ValidShapes;
    public long SplitReplays;
    public long CompletionChecks;
    public long[] Mutations = [];
    public TimeSpan Elapsed;

    public string Summary() => FormattableString.Invariant(
        $"{Inputs:N0} inputs ({Bytes:N0} bytes) in {Elapsed.TotalSeconds:F1} s: {Complete:N0} complete requests ({ValidShapes:N0} of a valid shape), ")
        + FormattableString.Invariant($"{BadMagic:N0} bad magic, {BadLengths:N0} bad lengths, {IncompleteTails:N0} incomplete tails; {SplitReplays:N0} split replays, ")
        + FormattableString.Invariant($"{CompletionChecks:N0} completion checks; mutations: ")
        + string.Join(", ", Enum.GetValues<BinaryMutation>().Select((m, i) => $"{m}={Mutations[i]}"));
}

/// <summary>
/// Feeds streams of binary-protocol frames (valid and damaged, see <see cref="BinaryFrameGenerator"/>) to
/// <see cref="BinaryRequestParser"/> the way a connection does, checking: nothing throws; the status is exactly
/// what the header says (bad magic iff the first byte is not 0x80, bad lengths iff extras and key exceed the
/// body, incomplete iff fewer than 24 bytes or fewer than the frame); a complete request's extras, key and value
/// have the header's lengths and lie within the frame; an incomplete frame parses once its missing bytes arrive;
/// and the stream fed in random pieces gives the same sequence of results as fed at once.
/// </summary>
public sealed class BinaryParserFuzzer
{
    private readonly ulong _seed;
    private readonly BinaryFrameGenerator _generator = new();
    private readonly ByteBuilder _input = new();
    private readonly ByteBuilder _session = new();
    private readonly ByteBuilder _completion = new();
    private readonly List<ulong> _whole = [];
    private readonly List<ulong> _pieces = [];
    private readonly BinaryFuzzStatistics _stats = new();

    public BinaryParserFuzzer(ulong seed) => _seed = seed;

    public BinaryFuzzStatistics Run(long first, long count)
    {
        var clock = Stopwatch.StartNew();
        for (long index = first; index < first + count; index++)
            RunOne(index);
        _stats.Elapsed += clock.Elapsed;
        _stats.Mutations = _generator.Applied;
        return _stats;
    }

    /// <summary>Builds one fuzz stream: one to four frames, now and then garbage between them.</summary>
    public static void Generate(BinaryFrameGenerator generator, ref FuzzRng rng, ByteBuilder output)
    {
        output.Clear();
        for (int frames = rng.Next(1, 5); frames > 0; frames--)
        {
            if (rng.OneIn(30))
            {
                for (int i = rng.Next(1, 40); i > 0; i--)
                    output.Append(rng.NextByte());
            }
            else
            {
                generator.Append(ref rng, output);
            }
        }
    }

    public void RunOne(long index)
    {
        var rng = FuzzRng.ForInput(_seed, index);
        Generate(_generator, ref rng, _input);
        var input = _input.Span;
        _stats.Inputs++;
        _stats.Bytes += input.Length;
        try
        {
            _whole.Clear();
            Replay(input, [input.Length], _whole, count: true);
            Span<int> cuts = stackalloc int[5];
            int pieces = rng.Next(2, 6);
            for (int i = 0; i < pieces - 1; i++)
                cuts[i] = rng.Next(input.Length + 1);
            cuts[pieces - 1] = input.Length;
            cuts[..pieces].Sort();
            _pieces.Clear();
            Replay(input, cuts[..pieces], _pieces, count: false);
            _stats.SplitReplays++;
            if (!_whole.SequenceEqual(_pieces))
                throw new InvalidOperationException($"fed in pieces ({string.Join(",", cuts[..pieces].ToArray())}) the stream framed differently");
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw FuzzFailure.For("binary parser fuzz", _seed, index, input, ex.Message, ex);
        }
    }

    private void Replay(ReadOnlySpan<byte> input, ReadOnlySpan<int> cuts, List<ulong> results, bool count)
    {
        _session.Clear();
        int start = 0;
        int fed = 0;
        foreach (int cut in cuts)
        {
            _session.Append(input[fed..cut]);
            fed = cut;
            while (start < _session.Length)
            {
                ReadOnlySpan<byte> pending = _session.Span[start..];
                var status = BinaryRequestParser.TryParse(pending, out var request);
                var headerStatus = BinaryRequestParser.TryReadHeader(pending, out var header);
                CheckStatus(pending, status, headerStatus, in header);
                if (status == BinaryParseStatus.Incomplete)
                {
                    if (count)
                        CheckCompletes(pending, headerStatus, in header);
                    break;
                }
                if (status != BinaryParseStatus.Complete)
                {
                    results.Add(Hash((ulong)status, 0, 0));
                    if (count)
                    {
                        if (status == BinaryParseStatus.BadMagic) _stats.BadMagic++;
                        else _stats.BadLengths++;
                    }
                    return;  // the connection is closed
                }
                var h = request.Header;
                if (request.Extras.Length != h.ExtrasLength || request.Key.Length != h.KeyLength || request.Value.Length != h.ValueLength
                    || h.FrameLength > pending.Length || h.BodyLength != header.BodyLength || h.Opaque != header.Opaque || h.Cas != header.Cas)
                {
                    throw new InvalidOperationException($"request views disagree with the header: extras {request.Extras.Length}/{h.ExtrasLength}, key {request.Key.Length}/{h.KeyLength}, value {request.Value.Length}/{h.ValueLength}");
                }
                bool validShape = BinaryOpcodes.HasValidShape(in h);
                if (count)
                {
                    _stats.Complete++;
                    if (validShape)
                        _stats.ValidShapes++;
                }
                results.Add(Hash(Hash(h.Opaque, h.Cas, (ulong)h.Opcode), Hash(Hash(request.Extras), Hash(request.Key), Hash(request.Value)), validShape ? 1UL : 0));
                start += (int)h.FrameLength;
            }
        }
        results.Add(Hash(0xEEEE, (ulong)(_session.Length - start), 0));
        if (count && _session.Length > start)
            _stats.IncompleteTails++;
    }

    private static void CheckStatus(ReadOnlySpan<byte> pending, BinaryParseStatus status, BinaryParseStatus headerStatus, in BinaryRequestHeader header)
    {
        BinaryParseStatus expectedHeader = pending[0] != BinaryRequestHeader.RequestMagic ? BinaryParseStatus.BadMagic
            : pending.Length < BinaryRequestHeader.Size ? BinaryParseStatus.Incomplete
            : (long)header.KeyLength + header.ExtrasLength > header.BodyLength ? BinaryParseStatus.BadLengths
            : BinaryParseStatus.Complete;
        if (headerStatus != expectedHeader)
            throw new InvalidOperationException($"header status {headerStatus}, expected {expectedHeader}");
        var expected = headerStatus == BinaryParseStatus.Complete && pending.Length < header.FrameLength ? BinaryParseStatus.Incomplete : headerStatus;
        if (status != expected)
            throw new InvalidOperationException($"parse status {status}, expected {expected} (frame of {header.FrameLength} bytes, {pending.Length} buffered)");
    }

    /// <summary>An incomplete frame must parse once its missing bytes arrive (checked when that is under 1 MiB).</summary>
    private void CheckCompletes(ReadOnlySpan<byte> pending, BinaryParseStatus headerStatus, in BinaryRequestHeader header)
    {
        long missing = headerStatus == BinaryParseStatus.Complete ? header.FrameLength - pending.Length : BinaryRequestHeader.Size - pending.Length;
        if (missing > 1024 * 1024)
            return;
        _stats.CompletionChecks++;
        _completion.Clear();
        _completion.Append(pending);
        _completion.Repeat(0, (int)missing);
        var status = BinaryRequestParser.TryParse(_completion.Span, out _);
        if (status == BinaryParseStatus.Incomplete && headerStatus == BinaryParseStatus.Complete)
            throw new InvalidOperationException($"still incomplete after the {missing} missing bytes arrived");
    }

    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)bytes.Length;
        foreach (byte b in bytes)
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    private static ulong Hash(ulong a, ulong b, ulong c) => (((a * 31) ^ b) * 0x9E3779B97F4A7C15UL) ^ (c * 0xBF58476D1CE4E5B9UL);
}
