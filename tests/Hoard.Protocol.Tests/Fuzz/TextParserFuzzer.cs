using System.Diagnostics;
using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>What a <see cref="TextParserFuzzer"/> run did: the counts that prove it was not vacuous.</summary>
public sealed class TextFuzzStatistics
{
    public long Inputs;
    public long Bytes;
    public long Complete;
    public long Errors;
    /// <summary>Inputs whose tail was still waiting for bytes when the input ended.</summary>
    public long IncompleteTails;
    public long Closed;
    public long SplitReplays;
    public long CompletionChecks;
    public long MetaFlagParses;
    public readonly long[] CompleteByKind = new long[Enum.GetValues<TextCommandKind>().Length];
    public readonly long[] ErrorsByKind = new long[Enum.GetValues<ProtocolError>().Length];
    public readonly long[] MetaErrors = new long[Enum.GetValues<MetaError>().Length];
    public long[] Mutations = [];
    public long[] CorpusKinds = [];
    public TimeSpan Elapsed;

    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo($"{Inputs:N0} inputs ({Bytes:N0} bytes) in {Elapsed.TotalSeconds:F1} s: {Complete:N0} complete commands, {Errors:N0} errors, "));
        text.Append(CultureInfo($"{IncompleteTails:N0} incomplete tails, {Closed:N0} closed (line too long); {SplitReplays:N0} split replays, "));
        text.Append(CultureInfo($"{CompletionChecks:N0} completion checks, {MetaFlagParses:N0} meta flag parses")).AppendLine();
        text.Append("  complete by kind: ").AppendJoin(", ", Named<TextCommandKind>(CompleteByKind)).AppendLine();
        text.Append("  errors: ").AppendJoin(", ", Named<ProtocolError>(ErrorsByKind)).AppendLine();
        text.Append("  meta flag results: ").AppendJoin(", ", Named<MetaError>(MetaErrors)).AppendLine();
        text.Append("  mutations: ").AppendJoin(", ", Named<Mutation>(Mutations));
        return text.ToString();
    }

    private static IEnumerable<string> Named<T>(long[] counts) where T : struct, Enum =>
        Enum.GetValues<T>().Select((value, i) => $"{value}={counts[i]}").Where((_, i) => counts[i] > 0);

    private static string CultureInfo(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Feeds mutated text and meta commands to <see cref="TextCommandParser"/> (and the meta commands' flags to
/// <see cref="MetaFlagParser"/>) the way a connection does, checking for every input:
/// <list type="bullet">
/// <item>nothing throws;</item>
/// <item><c>consumed</c> is 0 on Incomplete and within (0, buffer] on Complete and Error: an error always makes progress;</item>
/// <item>Incomplete only when more bytes complete it: the same bytes plus a newline and a maximal data block parse;</item>
/// <item>parsed fields are coherent (a data block has its declared length; a classic command's key is valid);</item>
/// <item>the input fed in pieces, split at random points (or a byte at a time), gives exactly the same sequence of
/// results as the input fed at once.</item>
/// </list>
/// Each input comes from its own generator (<see cref="FuzzRng.ForInput"/>), so a failure names a seed and an
/// index that replay that one input.
/// </summary>
public sealed class TextParserFuzzer
{
    /// <summary>The server's line limit; small retrieval and value limits, so inputs reach them often.</summary>
    public static readonly ParserLimits Limits = new(2048, 8192, 4096);

    private readonly ulong _seed;
    private readonly Mutator _mutator;
    private readonly ByteBuilder _input = new();
    private readonly ByteBuilder _session = new();
    private readonly List<ulong> _whole = [];
    private readonly List<ulong> _pieces = [];
    private readonly byte[] _completion;
    private readonly TextFuzzStatistics _stats = new();

    public TextParserFuzzer(ulong seed)
    {
        _seed = seed;
        _mutator = new Mutator(new CommandCorpus(new CorpusOptions { MaxValueLength = Limits.MaxValueLength }));
        _completion = new byte[Limits.MaxRetrievalLineLength + Limits.MaxValueLength + 16];
    }

    public TextFuzzStatistics Statistics => _stats;

    /// <summary>Runs inputs <paramref name="first"/> .. first+count-1; stops early when <paramref name="budget"/> runs out.</summary>
    public TextFuzzStatistics Run(long first, long count, TimeSpan? budget = null)
    {
        var clock = Stopwatch.StartNew();
        for (long index = first; index < first + count; index++)
        {
            RunOne(index);
            if (budget is { } limit && (index & 1023) == 0 && clock.Elapsed > limit)
                break;
        }
        _stats.Elapsed += clock.Elapsed;
        _stats.Mutations = _mutator.Applied;
        _stats.CorpusKinds = _mutator.KindsGenerated;
        return _stats;
    }

    public void RunOne(long index)
    {
        var rng = FuzzRng.ForInput(_seed, index);
        _mutator.Generate(ref rng, _input);
        var input = _input.Span;
        _stats.Inputs++;
        _stats.Bytes += input.Length;
        try
        {
            _whole.Clear();
            Replay(input, [input.Length], _whole, count: true);

            // The same bytes in pieces: one cut, a few cuts, or (short inputs) a byte at a time.
            Span<int> cuts = stackalloc int[6];
            int pieces;
            int mode = rng.Next(10);
            if (mode < 2 && input.Length <= 400)
            {
                pieces = -1;
            }
            else
            {
                pieces = mode < 6 ? 2 : rng.Next(3, 7);
                for (int i = 0; i < pieces - 1; i++)
                    cuts[i] = rng.Next(input.Length + 1);
                cuts[pieces - 1] = input.Length;
                cuts[..pieces].Sort();
            }
            _pieces.Clear();
            if (pieces < 0)
                ReplayByteAtATime(input, _pieces);
            else
                Replay(input, cuts[..pieces], _pieces, count: false);
            _stats.SplitReplays++;
            if (!_whole.SequenceEqual(_pieces))
                throw new InvalidOperationException($"fed in pieces ({(pieces < 0 ? "a byte at a time" : string.Join(",", cuts[..pieces].ToArray()))}) the input parsed differently:"
                    + $"\n  at once:   {Describe(input, [input.Length])}\n  in pieces: {Describe(input, pieces < 0 ? null : cuts[..pieces].ToArray())}");
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw FuzzFailure.For("text parser fuzz", _seed, index, input, ex.Message, ex);
        }
    }

    /// <summary>
    /// What <c>ProtocolSession</c> does with bytes arriving in the pieces ending at <paramref name="cuts"/>: parse
    /// every complete command, skip refused data, stop at a closing error; one hash per result into <paramref name="results"/>.
    /// </summary>
    private void Replay(ReadOnlySpan<byte> input, ReadOnlySpan<int> cuts, List<ulong> results, bool count)
    {
        _session.Clear();
        int start = 0;
        int searched = 0;
        long swallow = 0;
        int fed = 0;
        foreach (int cut in cuts)
        {
            _session.Append(input[fed..cut]);
            fed = cut;
            if (!Drain(ref start, ref searched, ref swallow, results, count))
                return;
        }
        Finish(start, swallow, results, count);
    }

    private void ReplayByteAtATime(ReadOnlySpan<byte> input, List<ulong> results)
    {
        _session.Clear();
        int start = 0;
        int searched = 0;
        long swallow = 0;
        for (int i = 0; i < input.Length; i++)
        {
            _session.Append(input[i]);
            if (!Drain(ref start, ref searched, ref swallow, results, count: false))
                return;
        }
        Finish(start, swallow, results, count: false);
    }

    private void Finish(int start, long swallow, List<ulong> results, bool count)
    {
        // Where the input ended: bytes waiting for more, and data still to discard.
        results.Add(Hash(0xEEEE, (ulong)(_session.Length - start), (ulong)swallow));
        if (count && _session.Length > start)
            _stats.IncompleteTails++;
    }

    /// <summary>Parses what is buffered; false when the connection would be closed.</summary>
    private bool Drain(ref int start, ref int searched, ref long swallow, List<ulong> results, bool count)
    {
        while (true)
        {
            if (swallow > 0)
            {
                int skip = (int)Math.Min(swallow, _session.Length - start);
                start += skip;
                swallow -= skip;
                if (swallow > 0)
                    return true;
            }
            if (start == _session.Length)
                return true;
            ReadOnlySpan<byte> pending = _session.Span[start..];
            var status = TextCommandParser.TryParse(pending, in Limits, searched, out var command, out int consumed);
            if (status == ParseStatus.Incomplete)
            {
                if (consumed != 0)
                    throw new InvalidOperationException($"Incomplete consumed {consumed} bytes");
                if (count)
                    CheckCompletes(pending);
                if (pending[searched..].IndexOf((byte)'\n') < 0)
                    searched = pending.Length;
                return true;
            }
            searched = 0;
            if (consumed <= 0 || consumed > pending.Length)
                throw new InvalidOperationException($"{status} consumed {consumed} of {pending.Length} bytes");
            start += consumed;
            if (status == ParseStatus.Error)
            {
                results.Add(Hash((ulong)status, (ulong)command.Error, (ulong)command.SwallowBytes, command.NoReply ? 1UL : 0));
                if (count)
                {
                    _stats.Errors++;
                    _stats.ErrorsByKind[(int)command.Error]++;
                }
                if (command.Error == ProtocolError.ObjectTooLarge)
                {
                    if (command.SwallowBytes != (long)command.ValueLength + 2 || command.ValueLength <= Limits.MaxValueLength)
                        throw new InvalidOperationException($"too large: swallow {command.SwallowBytes} for length {command.ValueLength}");
                    swallow = command.SwallowBytes;
                }
                if (command.Error == ProtocolError.LineTooLong)
                {
                    if (count)
                        _stats.Closed++;
                    return false;
                }
                continue;
            }
            results.Add(HashCommand(ref command, count));
            if (command.Kind == TextCommandKind.Quit)
                return false;
        }
    }

    /// <summary>An Incomplete buffer must parse once a newline and the largest possible data block follow it.</summary>
    private void CheckCompletes(ReadOnlySpan<byte> pending)
    {
        _stats.CompletionChecks++;
        pending.CopyTo(_completion);
        int length = pending.Length;
        if (pending.IndexOf((byte)'\n') < 0)
            _completion[length++] = (byte)'\n';
        _completion.AsSpan(length, Limits.MaxValueLength + 2).Fill((byte)'z');
        length += Limits.MaxValueLength + 2;
        var status = TextCommandParser.TryParse(_completion.AsSpan(0, length), in Limits, out _, out int consumed);
        if (status == ParseStatus.Incomplete || consumed <= 0)
            throw new InvalidOperationException($"Incomplete although a newline and {Limits.MaxValueLength + 2} more bytes cannot complete it ({status}, consumed {consumed})");
    }

    private ulong HashCommand(scoped ref TextCommand command, bool count)
    {
        switch (command.Kind)
        {
            case TextCommandKind.Set or TextCommandKind.Add or TextCommandKind.Replace or TextCommandKind.Append
                or TextCommandKind.Prepend or TextCommandKind.Cas or TextCommandKind.MetaSet:
                if (command.Value.Length != command.ValueLength || command.ValueLength > Limits.MaxValueLength)
                    throw new InvalidOperationException($"data block of {command.Value.Length} bytes for declared length {command.ValueLength}");
                break;
            default:
                break;
        }
        if (command.Kind is TextCommandKind.Set or TextCommandKind.Add or TextCommandKind.Replace or TextCommandKind.Append
            or TextCommandKind.Prepend or TextCommandKind.Cas or TextCommandKind.Delete or TextCommandKind.Incr
            or TextCommandKind.Decr or TextCommandKind.Touch
            && !TextCommandParser.IsValidKey(command.Key, Limits.LenientKeys))
        {
            throw new InvalidOperationException($"{command.Kind} accepted the invalid key '{FuzzFailure.Escape(command.Key, 300)}'");
        }

        ulong metaResult = 0;
        if (command.Kind is TextCommandKind.MetaGet or TextCommandKind.MetaSet or TextCommandKind.MetaDelete or TextCommandKind.MetaArithmetic or TextCommandKind.MetaDebug)
            metaResult = ParseMetaFlags(ref command, count);
        if (count)
        {
            _stats.Complete++;
            _stats.CompleteByKind[(int)command.Kind]++;
        }
        ulong hash = Hash((ulong)ParseStatus.Complete, (ulong)command.Kind, command.Flags, (ulong)command.Exptime);
        hash = Hash(hash, (ulong)command.ValueLength, command.CasUnique, command.Delta);
        hash = Hash(hash, command.NoReply ? 1UL : 0, metaResult, 0);
        return Hash(hash, Hash(command.Key), Hash(command.Keys), Hash(command.Arguments) ^ Hash(command.Value) ^ Hash(command.Name));
    }

    private ulong ParseMetaFlags(scoped ref TextCommand command, bool count)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaFlagParser.MaxKeyLength];
        MetaError error;
        ulong key;
        if (command.Kind == TextCommandKind.MetaDebug)
        {
            error = MetaFlagParser.ParseDebug(command.Key, command.Arguments, keyBuffer, out var decoded, out _);
            key = Hash(decoded);
        }
        else
        {
            error = MetaFlagParser.Parse(command.Kind, command.Key, command.Arguments, keyBuffer, out var flags);
            if (error == MetaError.None && (flags.Key.Length is 0 or > MetaFlagParser.MaxKeyLength))
                throw new InvalidOperationException($"meta flags accepted a key of {flags.Key.Length} bytes");
            key = Hash(Hash(flags.Key), flags.Present, (ulong)flags.Exptime);
        }
        if (count)
        {
            _stats.MetaFlagParses++;
            _stats.MetaErrors[(int)error]++;
        }
        return Hash((ulong)error, key, 0);
    }

    /// <summary>Readable results of feeding the input at once or in pieces (null: a byte at a time), for failure messages.</summary>
    private static string Describe(ReadOnlySpan<byte> input, int[]? cuts)
    {
        var bytes = input.ToArray();
        var results = new List<string>();
        var buffer = new List<byte>();
        int start = 0, searched = 0;
        long swallow = 0;
        var ends = cuts ?? Enumerable.Range(1, bytes.Length).ToArray();
        int fed = 0;
        foreach (int cut in ends)
        {
            buffer.AddRange(bytes[fed..cut]);
            fed = cut;
            while (true)
            {
                if (swallow > 0)
                {
                    int skip = (int)Math.Min(swallow, buffer.Count - start);
                    start += skip;
                    swallow -= skip;
                    if (swallow > 0)
                        break;
                }
                if (start == buffer.Count)
                    break;
                var pending = buffer.ToArray().AsSpan(start);
                var status = TextCommandParser.TryParse(pending, in Limits, searched, out var command, out int consumed);
                if (status == ParseStatus.Incomplete)
                {
                    if (pending[searched..].IndexOf((byte)'\n') < 0)
                        searched = pending.Length;
                    break;
                }
                searched = 0;
                results.Add(status == ParseStatus.Error
                    ? $"Error {command.Error} after {consumed} bytes"
                    : $"{command.Kind} key '{FuzzFailure.Escape(command.Key, 40)}' ({consumed} bytes)");
                start += consumed;
                swallow = command.SwallowBytes;
                if (command.Error == ProtocolError.LineTooLong)
                    return string.Join("; ", results) + "; closed";
            }
        }
        return string.Join("; ", results) + $"; {buffer.Count - start} bytes pending";
    }

    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)bytes.Length;
        foreach (byte b in bytes)
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    private static ulong Hash(ulong a, ulong b, ulong c, ulong d = 0) =>
        (((((a * 31) ^ b) * 0x9E3779B97F4A7C15UL) ^ c) * 0xBF58476D1CE4E5B9UL) ^ (d * 0x94D049BB133111EBUL);
}
