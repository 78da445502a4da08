using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;
using Xunit.Abstractions;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>
/// The short in-suite pass of the text/meta parser fuzzer (a fixed seed, 200,000 inputs, a few seconds).
/// <c>tests/long/fuzz.sh</c> runs the same test with <c>HOARD_FUZZ_INPUTS</c> and <c>HOARD_FUZZ_SEED</c>.
/// </summary>
public sealed class TextParserFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Mutated_text_and_meta_commands_keep_every_parser_invariant()
    {
        ulong seed = FuzzSettings.Seed;
        var fuzzer = new TextParserFuzzer(seed);
        if (FuzzSettings.Replay is { } index)
        {
            fuzzer.RunOne(index);
            return;
        }
        long inputs = FuzzSettings.Inputs(200_000);
        var stats = fuzzer.Run(0, inputs);
        output.WriteLine($"text parser fuzz, seed {seed}: {stats.Summary()}");

        // Not vacuous: every input ran, and the inputs reached every outcome and every kind of command.
        Assert.Equal(inputs, stats.Inputs);
        Assert.Equal(inputs, stats.SplitReplays);
        Assert.True(stats.Complete > inputs / 4, $"only {stats.Complete} complete commands");
        Assert.True(stats.Errors > inputs / 20, $"only {stats.Errors} errors");
        Assert.True(stats.IncompleteTails > inputs / 20, $"only {stats.IncompleteTails} incomplete tails");
        Assert.True(stats.CompletionChecks >= stats.IncompleteTails);
        Assert.True(stats.Closed > 0, "no input reached the line limit");
        foreach (var kind in CorpusCommandKinds())
            Assert.True(stats.CompleteByKind[(int)kind] > 0, $"no {kind} command parsed");
        foreach (var error in new[] { ProtocolError.UnknownCommand, ProtocolError.BadCommandLineFormat, ProtocolError.BadDataChunk,
                     ProtocolError.ObjectTooLarge, ProtocolError.InvalidExptime, ProtocolError.InvalidDelta, ProtocolError.LineTooLong, ProtocolError.DeleteUsage })
            Assert.True(stats.ErrorsByKind[(int)error] > 0, $"no {error} error");
        foreach (var error in new[] { MetaError.None, MetaError.InvalidFlag, MetaError.DuplicateFlag, MetaError.BadToken, MetaError.KeyDecoding, MetaError.BadCommandLineFormat })
            Assert.True(stats.MetaErrors[(int)error] > 0, $"meta flag parser never returned {error}");
        Assert.All(stats.Mutations, count => Assert.True(count > 0, "a mutation was never applied"));
        Assert.All(stats.CorpusKinds, count => Assert.True(count > 0, "a corpus kind was never generated"));
    }

    /// <summary>The parsed kind of each corpus command, unmutated: every one must also parse from the fuzz inputs.</summary>
    private static HashSet<TextCommandKind> CorpusCommandKinds()
    {
        var corpus = new CommandCorpus(new CorpusOptions());
        var kinds = new HashSet<TextCommandKind>();
        var rng = new FuzzRng(7);
        var bytes = new ByteBuilder();
        for (int kind = 0; kind < CommandCorpus.Kinds.Length; kind++)
        {
            for (int attempt = 0; attempt < 20; attempt++)
            {
                bytes.Clear();
                corpus.Append(ref rng, bytes, kind);
                if (TextCommandParser.TryParse(bytes.Span, in TextParserFuzzer.Limits, out var command, out _) == ParseStatus.Complete)
                    kinds.Add(command.Kind);
            }
        }
        kinds.Remove(TextCommandKind.Unknown);
        Assert.True(kinds.Count >= 27, $"the corpus produced only {kinds.Count} kinds of command");
        return kinds;
    }

    [Fact]
    public void Same_seed_generates_the_same_inputs()
    {
        var first = new Mutator(new CommandCorpus(new CorpusOptions()));
        var second = new Mutator(new CommandCorpus(new CorpusOptions()));
        var a = new ByteBuilder();
        var b = new ByteBuilder();
        for (long index = 0; index < 500; index++)
        {
            var rngA = FuzzRng.ForInput(42, index);
            var rngB = FuzzRng.ForInput(42, index);
            first.Generate(ref rngA, a);
            second.Generate(ref rngB, b);
            Assert.True(a.Span.SequenceEqual(b.Span), $"input {index} differs");
        }
    }
}
