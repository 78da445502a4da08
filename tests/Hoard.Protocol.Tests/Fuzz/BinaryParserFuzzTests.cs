using Xunit.Abstractions;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>The short in-suite pass of the binary-protocol framing fuzzer; <c>tests/long/fuzz.sh</c> runs it longer.</summary>
public sealed class BinaryParserFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Damaged_binary_frames_keep_every_framing_invariant()
    {
        ulong seed = FuzzSettings.Seed;
        var fuzzer = new BinaryParserFuzzer(seed);
        if (FuzzSettings.Replay is { } index)
        {
            fuzzer.RunOne(index);
            return;
        }
        long inputs = FuzzSettings.Inputs(100_000);
        var stats = fuzzer.Run(0, inputs);
        output.WriteLine($"binary parser fuzz, seed {seed}: {stats.Summary()}");

        Assert.Equal(inputs, stats.Inputs);
        Assert.Equal(inputs, stats.SplitReplays);
        Assert.True(stats.Complete > inputs / 4, $"only {stats.Complete} complete requests");
        Assert.True(stats.ValidShapes > 0 && stats.ValidShapes < stats.Complete, "valid and invalid request shapes must both occur");
        Assert.True(stats.BadMagic > inputs / 50, $"only {stats.BadMagic} bad magic");
        Assert.True(stats.BadLengths > inputs / 50, $"only {stats.BadLengths} bad lengths");
        Assert.True(stats.IncompleteTails > inputs / 20, $"only {stats.IncompleteTails} incomplete tails");
        Assert.True(stats.CompletionChecks > 0);
        Assert.All(stats.Mutations, count => Assert.True(count > 0, "a mutation was never applied"));
    }
}
