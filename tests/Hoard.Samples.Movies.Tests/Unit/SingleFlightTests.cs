using Hoard.Samples.Movies.Caching;

namespace Hoard.Samples.Movies.Tests.Unit;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task Callers_arriving_while_work_runs_share_it_and_later_callers_start_anew()
    {
        var flights = new SingleFlight();
        var release = new TaskCompletionSource();
        int runs = 0;
        async Task<int> Work()
        {
            int run = Interlocked.Increment(ref runs);
            await release.Task;
            return run;
        }

        var first = flights.RunAsync("k", Work);
        var joined = Enumerable.Range(0, 10).Select(_ => flights.RunAsync("k", Work)).ToArray();
        var other = flights.RunAsync("other", () => Task.FromResult(-1));
        release.SetResult();

        Assert.Equal((1, false), await first);
        Assert.All(await Task.WhenAll(joined), r => Assert.Equal((1, true), r));
        Assert.Equal((-1, false), await other);
        Assert.Equal(0, flights.Running);
        Assert.Equal((2, false), await flights.RunAsync("k", Work));
    }

    [Fact]
    public async Task A_failure_reaches_every_waiting_caller_and_is_not_kept()
    {
        var flights = new SingleFlight();
        var release = new TaskCompletionSource();
        async Task<int> Failing()
        {
            await release.Task;
            throw new InvalidOperationException("boom");
        }

        var first = flights.RunAsync("k", Failing);
        var joined = flights.RunAsync("k", Failing);
        release.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => joined);
        Assert.Equal((5, false), await flights.RunAsync("k", () => Task.FromResult(5)));
    }

    [Fact]
    public async Task A_caller_that_gives_up_stops_waiting_without_stopping_the_work()
    {
        var flights = new SingleFlight();
        var release = new TaskCompletionSource();
        var leader = flights.RunAsync("k", async () =>
        {
            await release.Task;
            return 1;
        });
        using var giveUp = new CancellationTokenSource();
        var follower = flights.RunAsync("k", () => Task.FromResult(2), giveUp.Token);

        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follower);
        release.SetResult();
        Assert.Equal((1, false), await leader);
    }
}
