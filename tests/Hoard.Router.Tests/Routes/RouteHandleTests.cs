using Hoard.Router.Requests;
using Hoard.Router.Routes;
using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Routes;

public sealed class RouteHandleTests
{
    private static readonly IReadOnlyDictionary<OperationGroup, IReadOnlySet<ReplyResult>> AllErrors = new Dictionary<OperationGroup, IReadOnlySet<ReplyResult>>();

    private static RouterRequest Get(string key = "k") => RouterRequest.Retrieval(RouterOperation.Get, System.Text.Encoding.ASCII.GetBytes(key));

    private static RouterRequest Set(string key = "k", long exptime = 0) => RouterRequest.Storage(RouterOperation.Set, System.Text.Encoding.ASCII.GetBytes(key), 0, exptime, "v"u8.ToArray());

    [Fact]
    public async Task Failover_moves_on_errors_and_counts_each_move()
    {
        var runtime = RouterHarness.Runtime();
        var first = ScriptedRoute.Failing(ReplyResult.Timeout);
        var second = ScriptedRoute.Failing(ReplyResult.Tko);
        var third = ScriptedRoute.Hit();
        var route = new FailoverRoute([first, second, third], AllErrors, runtime) { Name = "f" };
        var reply = await route.RouteAsync(Get(), default);
        Assert.Equal(ReplyResult.Hit, reply.Result);
        Assert.Equal(2, runtime.Statistics.Failovers);
        Assert.Equal(2, runtime.Statistics.FailoversByRoute["FailoverRoute(f)"]);
    }

    [Fact]
    public async Task Failover_keeps_a_miss_and_a_client_error()
    {
        var second = ScriptedRoute.Hit();
        var route = new FailoverRoute([ScriptedRoute.Miss(), second], AllErrors, RouterHarness.Runtime());
        Assert.Equal(ReplyResult.Miss, (await route.RouteAsync(Get(), default)).Result);
        Assert.Empty(second.Seen);
    }

    [Fact]
    public async Task Failover_errors_can_differ_per_operation()
    {
        var errors = new Dictionary<OperationGroup, IReadOnlySet<ReplyResult>>
        {
            [OperationGroup.Gets] = new HashSet<ReplyResult> { ReplyResult.Timeout },
            [OperationGroup.Updates] = new HashSet<ReplyResult> { ReplyResult.ConnectError },
        };
        var backup = ScriptedRoute.Stored();
        var route = new FailoverRoute([ScriptedRoute.Failing(ReplyResult.Timeout), backup], errors, RouterHarness.Runtime());
        Assert.Equal(ReplyResult.Timeout, (await route.RouteAsync(Set(), default)).Result);
        Assert.Empty(backup.Seen);
        Assert.Equal(ReplyResult.Stored, (await route.RouteAsync(Get(), default)).Result);
    }

    [Fact]
    public async Task Miss_failover_returns_the_first_hit_or_the_first_miss()
    {
        var last = ScriptedRoute.Hit("late");
        var route = new MissFailoverRoute([ScriptedRoute.Miss(), ScriptedRoute.Failing(), last], RouterHarness.Runtime());
        var reply = await route.RouteAsync(Get(), default);
        Assert.Contains("late", System.Text.Encoding.ASCII.GetString(reply.Bytes), StringComparison.Ordinal);
        var none = new MissFailoverRoute([ScriptedRoute.Miss(), ScriptedRoute.Failing()], RouterHarness.Runtime());
        Assert.Equal(ReplyResult.Miss, (await none.RouteAsync(Get(), default)).Result);
        var writes = ScriptedRoute.Stored();
        var other = ScriptedRoute.Stored();
        await new MissFailoverRoute([writes, other], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Single(writes.Seen);
        Assert.Empty(other.Seen);
    }

    [Fact]
    public async Task All_sync_waits_for_every_child_and_answers_the_worst()
    {
        var a = ScriptedRoute.Stored();
        var b = ScriptedRoute.Failing(ReplyResult.ConnectError);
        var reply = await new AllRoute(AllRouteMode.Sync, [a, b], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal(ReplyResult.ConnectError, reply.Result);
        Assert.Single(a.Seen);
        Assert.Single(b.Seen);
    }

    [Fact]
    public async Task All_initial_answers_the_first_child_and_still_sends_to_all()
    {
        var slow = new ScriptedRoute(r => RouterReply.FromServer("STORED\r\n"u8.ToArray(), r), TimeSpan.FromMilliseconds(300));
        var first = ScriptedRoute.Failing(ReplyResult.RemoteError);
        var reply = await new AllRoute(AllRouteMode.Initial, [first, slow], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal(ReplyResult.RemoteError, reply.Result);
        Assert.True(await RouterHarness.EventuallyAsync(() => !slow.Seen.IsEmpty, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task All_majority_answers_what_more_than_half_agree_on()
    {
        var reply = await new AllRoute(AllRouteMode.Majority, [ScriptedRoute.Stored(), ScriptedRoute.Failing(), ScriptedRoute.Stored()], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal(ReplyResult.Stored, reply.Result);
        var split = await new AllRoute(AllRouteMode.Majority, [ScriptedRoute.Stored(), ScriptedRoute.Failing()], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal(ReplyResult.Timeout, split.Result);
    }

    [Fact]
    public async Task All_fastest_answers_the_first_success()
    {
        var slowHit = new ScriptedRoute(r => RouterReply.FromServer("STORED\r\n"u8.ToArray(), r), TimeSpan.FromMilliseconds(200));
        var reply = await new AllRoute(AllRouteMode.Fastest, [ScriptedRoute.Failing(), slowHit], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal(ReplyResult.Stored, reply.Result);
        var allFail = await new AllRoute(AllRouteMode.Fastest, [ScriptedRoute.Failing(), ScriptedRoute.Failing(ReplyResult.Tko)], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.True(allFail.IsError);
    }

    [Fact]
    public async Task All_async_answers_at_once_with_the_default_reply()
    {
        var slow = new ScriptedRoute(r => RouterReply.FromServer("STORED\r\n"u8.ToArray(), r), TimeSpan.FromMilliseconds(200));
        var reply = await new AllRoute(AllRouteMode.Async, [slow, ScriptedRoute.Stored()], RouterHarness.Runtime()).RouteAsync(Set(), default);
        Assert.Equal("NOT_STORED\r\n", System.Text.Encoding.ASCII.GetString(reply.Bytes));
        Assert.True(await RouterHarness.EventuallyAsync(() => !slow.Seen.IsEmpty, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Warm_up_answers_from_warm_and_fills_cold_with_add_and_the_configured_exptime()
    {
        var cold = new ScriptedRoute(r => r.Operation == RouterOperation.Add
            ? RouterReply.FromServer("STORED\r\n"u8.ToArray(), r)
            : RouterReply.FromServer("END\r\n"u8.ToArray(), r));
        var warm = ScriptedRoute.Hit("warm-value");
        var runtime = RouterHarness.Runtime();
        var reply = await new WarmUpRoute(cold, warm, 300, runtime).RouteAsync(Get("user:7"), default);
        Assert.Equal(ReplyResult.Hit, reply.Result);
        Assert.True(await RouterHarness.EventuallyAsync(() => cold.Seen.Any(r => r.Operation == RouterOperation.Add), TimeSpan.FromSeconds(5)));
        var add = cold.Seen.Single(r => r.Operation == RouterOperation.Add);
        Assert.Equal("user:7", add.KeyText);
        Assert.Equal(300, add.Exptime);
        Assert.Equal("warm-value"u8.ToArray(), add.Value.ToArray());
        Assert.Equal(1, runtime.Statistics.WarmUpFills);
        // Writes go to the cold route only.
        await new WarmUpRoute(cold, warm, 300, runtime).RouteAsync(Set(), default);
        Assert.DoesNotContain(warm.Seen, r => r.Operation == RouterOperation.Set);
    }

    [Fact]
    public async Task Prefix_selector_takes_the_longest_prefix()
    {
        var user = ScriptedRoute.Miss();
        var userSession = ScriptedRoute.Miss();
        var other = ScriptedRoute.Miss();
        var route = new PrefixSelectorRoute(new Dictionary<string, RouteHandle> { ["user:"] = user, ["user:session:"] = userSession }, other);
        await route.RouteAsync(Get("user:session:1"), default);
        await route.RouteAsync(Get("user:1"), default);
        await route.RouteAsync(Get("film:1"), default);
        Assert.Single(userSession.Seen);
        Assert.Single(user.Seen);
        Assert.Single(other.Seen);
    }

    [Fact]
    public async Task Operation_selector_routes_by_command()
    {
        var gets = ScriptedRoute.Miss();
        var rest = ScriptedRoute.Stored();
        var route = new OperationSelectorRoute(new Dictionary<string, RouteHandle> { ["get"] = gets }, rest);
        await route.RouteAsync(Get(), default);
        await route.RouteAsync(Set(), default);
        Assert.Single(gets.Seen);
        Assert.Single(rest.Seen);
    }

    [Theory]
    [InlineData(ExptimeAction.Set, 0, 10, 10)]
    [InlineData(ExptimeAction.Set, 500, 10, 10)]
    [InlineData(ExptimeAction.Min, 0, 10, 10)]
    [InlineData(ExptimeAction.Min, 5, 10, 5)]
    [InlineData(ExptimeAction.Min, 500, 10, 10)]
    public async Task Modify_exptime_sets_or_caps_the_expiry(ExptimeAction action, long given, long configured, long expected)
    {
        var target = ScriptedRoute.Stored();
        await new ModifyExptimeRoute(target, configured, action).RouteAsync(Set("k", given), default);
        Assert.Equal(expected, target.Seen.Single().Exptime);
        Assert.Contains($" {expected} 1\r\n", System.Text.Encoding.ASCII.GetString(target.Seen.Single().Serialize()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_and_error_routes_answer_without_sending()
    {
        Assert.Equal("END\r\n", System.Text.Encoding.ASCII.GetString((await new NullRoute().RouteAsync(Get(), default)).Bytes));
        Assert.Equal("NOT_FOUND\r\n", System.Text.Encoding.ASCII.GetString((await new NullRoute().RouteAsync(RouterRequest.Delete("k"u8.ToArray()), default)).Bytes));
        var error = await new ErrorRoute("fenced off").RouteAsync(Get(), default);
        Assert.Equal("SERVER_ERROR fenced off\r\n", System.Text.Encoding.ASCII.GetString(error.Bytes));
    }

    [Fact]
    public void Jump_hash_moves_about_one_in_n_keys_when_a_bucket_is_added()
    {
        int moved = 0;
        const int Keys = 20000;
        for (int i = 0; i < Keys; i++)
        {
            var key = System.Text.Encoding.ASCII.GetBytes("key:" + i);
            if (KeyHashing.Index(KeyHashFunction.Ch3, key, 5) != KeyHashing.Index(KeyHashFunction.Ch3, key, 6))
                moved++;
        }
        double fraction = moved / (double)Keys;
        Assert.InRange(fraction, 1 / 6.0 - 0.02, 1 / 6.0 + 0.02);
    }
}
