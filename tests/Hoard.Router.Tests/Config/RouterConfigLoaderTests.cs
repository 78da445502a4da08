using System.Text;
using Hoard.Router.Config;
using Hoard.Router.Routes;
using Hoard.Router.Tests.Infrastructure;

namespace Hoard.Router.Tests.Config;

public sealed class RouterConfigLoaderTests
{
    private const string Pools = """
        "pools": {
          "A": { "servers": ["127.0.0.1:11211", "127.0.0.1:11212"] },
          "B": { "servers": ["127.0.0.1:11213"] },
        },
        """;

    [Fact]
    public async Task Short_form_pool_route_with_comments_and_trailing_commas()
    {
        await using var table = RouterHarness.Load("""
            // mcrouter allows comments
            {
              "pools": { "A": { "servers": [ "127.0.0.1:11211", /* one */ "127.0.0.1:11212", ] } },
              "route": "PoolRoute|A",
            }
            """);
        var route = Assert.IsType<PoolRoute>(table.Default);
        Assert.Equal("A", route.Pool.Name);
        Assert.Equal(["127.0.0.1:11211", "127.0.0.1:11212"], route.Pool.Current.Endpoints.Select(e => e.HostPort));
    }

    [Fact]
    public async Task Every_route_handle_type_loads()
    {
        await using var table = RouterHarness.Load("{" + Pools + """
              "named_handles": [ { "type": "PoolRoute", "name": "main", "pool": "A", "hash": {"hash_func": "Ch3"} } ],
              "route": {
                "type": "PrefixSelectorRoute",
                "policies": {
                  "fail:": { "type": "FailoverRoute", "children": ["main", "PoolRoute|B"], "failover_errors": {"gets": ["timeout", "tko"], "updates": ["connect_error"]} },
                  "miss:": { "type": "MissFailoverRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "sync:": { "type": "AllSyncRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "async:": { "type": "AllAsyncRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "init:": { "type": "AllInitialRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "maj:": { "type": "AllMajorityRoute", "children": ["PoolRoute|A", "PoolRoute|B", "NullRoute"] },
                  "fast:": { "type": "AllFastestRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "warm:": { "type": "WarmUpRoute", "cold": "PoolRoute|B", "warm": "main", "exptime": 60 },
                  "op:": { "type": "OperationSelectorRoute", "operation_policies": {"get": "PoolRoute|A", "delete": "NullRoute"}, "default_policy": "PoolRoute|B" },
                  "ttl:": { "type": "ModifyExptimeRoute", "target": "PoolRoute|A", "exptime": 10, "action": "min" },
                  "rand:": { "type": "RandomRoute", "children": ["PoolRoute|A", "PoolRoute|B"] },
                  "hash:": { "type": "HashRoute", "children": ["PoolRoute|A", "PoolRoute|B"], "hash_func": "Crc32" },
                  "shadow:": { "type": "PoolRoute", "pool": "A", "shadows": [ { "target": "PoolRoute|B", "key_fraction_range": [0, 0.5] } ] },
                  "err:": "ErrorRoute|fenced off",
                },
                "wildcard": "main",
              },
            }
            """);
        var selector = Assert.IsType<PrefixSelectorRoute>(table.Default);
        var types = Flatten(selector).Select(r => r.Type).ToHashSet();
        foreach (var type in new[] { "PoolRoute", "FailoverRoute", "MissFailoverRoute", "AllSyncRoute", "AllAsyncRoute", "AllInitialRoute",
            "AllMajorityRoute", "AllFastestRoute", "WarmUpRoute", "OperationSelectorRoute", "ModifyExptimeRoute", "RandomRoute", "HashRoute", "NullRoute", "ErrorRoute" })
            Assert.Contains(type, types);
    }

    [Fact]
    public async Task Routes_with_aliases_pick_a_default_and_strip_the_prefix()
    {
        await using var table = RouterHarness.Load("{" + Pools + """
              "routes": [
                { "aliases": ["/west/a/"], "route": "PoolRoute|A" },
                { "aliases": ["/east/b/", "/east/c/"], "route": "PoolRoute|B" },
              ],
            }
            """);
        var (route, request) = table.Resolve(Requests.RouterRequest.Retrieval(Requests.RouterOperation.Get, "/east/c/user:1"u8.ToArray()));
        Assert.Equal("B", Assert.IsType<PoolRoute>(route).Pool.Name);
        Assert.Equal("user:1", request.KeyText);
        var (fallback, unchanged) = table.Resolve(Requests.RouterRequest.Retrieval(Requests.RouterOperation.Get, "user:2"u8.ToArray()));
        Assert.Equal("A", Assert.IsType<PoolRoute>(fallback).Pool.Name);
        Assert.Equal("user:2", unchanged.KeyText);
    }

    [Fact]
    public async Task A_pool_may_name_a_discovery_source()
    {
        await using var table = RouterHarness.Load("""
            { "pools": { "K": { "discovery": "dns://mycache-hoard.default.svc.cluster.local:11211?interval=5s" } }, "route": "PoolRoute|K" }
            """);
        var pool = Assert.IsType<PoolRoute>(table.Default).Pool;
        Assert.NotNull(pool.Discovery);
        Assert.Empty(pool.Current.Servers);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "$: the config must be a JSON object")]
    [InlineData("{\"route\": \"NullRoute\", \"rout\": 1}", "$.rout: unknown field")]
    [InlineData("{\"pools\": {}}", "exactly one of \"route\" and \"routes\"")]
    [InlineData("{\"route\": \"NullRoute\", \"routes\": []}", "exactly one of \"route\" and \"routes\"")]
    [InlineData("{\"pools\": {\"A\": {}}, \"route\": \"PoolRoute|A\"}", "$.pools.A: a pool needs exactly one of")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": []}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.servers: must be a non-empty array")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": [\"host:notaport\"]}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.servers[0]: 'host:notaport' is not host:port")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": [\"h:1\", \"h:1\"]}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.servers[1]: h:1 is listed twice")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": [7]}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.servers[0]: must be a string")]
    [InlineData("{\"pools\": {\"A\": {\"discovery\": \"ftp://x\"}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.discovery")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": [\"h:1\"], \"weights\": [1]}}, \"route\": \"PoolRoute|A\"}", "$.pools.A.weights: unknown pool field")]
    [InlineData("{\"route\": \"PoolRoute|Z\"}", "$.route: pool 'Z' is not defined")]
    [InlineData("{\"route\": \"PoolRoute|\"}", "needs a pool name")]
    [InlineData("{\"route\": \"Nonsense\"}", "$.route: 'Nonsense' is no route handle type or named handle")]
    [InlineData("{\"route\": \"Weird|x\"}", "unknown short route form")]
    [InlineData("{\"route\": 5}", "$.route: a route handle is an object")]
    [InlineData("{\"route\": {\"children\": []}}", "$.route: a route handle object needs a \"type\"")]
    [InlineData("{\"route\": {\"type\": \"TeleportRoute\"}}", "$.route.type: unknown route handle type 'TeleportRoute'")]
    [InlineData("{\"route\": {\"type\": \"FailoverRoute\"}}", "$.route: \"children\" is required")]
    [InlineData("{\"route\": {\"type\": \"FailoverRoute\", \"children\": []}}", "$.route.children: must be a non-empty array")]
    [InlineData("{\"route\": {\"type\": \"FailoverRoute\", \"children\": [\"NullRoute\"], \"failover_errors\": [\"oops\"]}}", "$.route.failover_errors: unknown error")]
    [InlineData("{\"route\": {\"type\": \"FailoverRoute\", \"children\": [\"NullRoute\"], \"failover_errors\": {\"reads\": []}}}", "$.route.failover_errors.reads: unknown operation group")]
    [InlineData("{\"route\": {\"type\": \"AllSyncRoute\", \"children\": [\"NullRoute\", 3]}}", "$.route.children[1]: a route handle is an object")]
    [InlineData("{\"route\": {\"type\": \"HashRoute\", \"children\": [\"NullRoute\"], \"hash_func\": \"md4\"}}", "$.route.hash_func: unknown hash function")]
    [InlineData("{\"route\": {\"type\": \"WarmUpRoute\", \"cold\": \"NullRoute\"}}", "$.route: \"warm\" is required")]
    [InlineData("{\"route\": {\"type\": \"WarmUpRoute\", \"cold\": \"NullRoute\", \"warm\": \"NullRoute\", \"exptime\": -5}}", "$.route.exptime: must be a whole number")]
    [InlineData("{\"route\": {\"type\": \"ModifyExptimeRoute\", \"target\": \"NullRoute\", \"exptime\": 5, \"action\": \"max\"}}", "$.route.action: must be \"set\" or \"min\"")]
    [InlineData("{\"route\": {\"type\": \"ModifyExptimeRoute\", \"target\": \"NullRoute\"}}", "$.route: \"exptime\" is required")]
    [InlineData("{\"route\": {\"type\": \"OperationSelectorRoute\", \"operation_policies\": {\"teleport\": \"NullRoute\"}}}", "$.route.operation_policies.teleport: unknown operation")]
    [InlineData("{\"route\": {\"type\": \"PrefixSelectorRoute\", \"policies\": {\"\": \"NullRoute\"}}}", "a prefix must not be empty")]
    [InlineData("{\"pools\": {\"A\": {\"servers\": [\"h:1\"]}}, \"route\": {\"type\": \"PoolRoute\", \"pool\": \"A\", \"shadows\": [{\"target\": \"NullRoute\", \"key_fraction_range\": [0.5, 0.2]}]}}", "key_fraction_range: must be [from, to]")]
    [InlineData("{\"named_handles\": [{\"type\": \"FailoverRoute\", \"name\": \"loop\", \"children\": [\"loop\"]}], \"route\": \"loop\"}", "named handle 'loop' refers to itself")]
    [InlineData("{\"named_handles\": [{\"type\": \"NullRoute\"}], \"route\": \"NullRoute\"}", "$.named_handles[0]: a named handle is an object with a non-empty \"name\"")]
    [InlineData("{\"routes\": [{\"aliases\": [\"east\"], \"route\": \"NullRoute\"}]}", "$.routes[0].aliases[0]: a routing prefix looks like")]
    [InlineData("{\"routes\": [{\"route\": \"NullRoute\"}]}", "$.routes[0]: \"aliases\" is required")]
    public void Invalid_configs_are_refused_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<RouterConfigException>(() => RouterHarness.Load(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_and_mutated_configs_fail_only_with_config_errors()
    {
        const string Valid = """{"pools": {"A": {"servers": ["127.0.0.1:1", "127.0.0.1:2"]}}, "route": {"type": "FailoverRoute", "children": ["PoolRoute|A", {"type": "AllSyncRoute", "children": ["NullRoute", "PoolRoute|A"]}]}}""";
        var random = new Random(20261122);
        int refused = 0, accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(Valid);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
                bytes[random.Next(bytes.Length)] = (byte)" {}[]\",:|0aA\\/*\u00ff"[random.Next(16)];
            string text = i % 10 == 0 ? Convert.ToBase64String(bytes) : Encoding.UTF8.GetString(bytes);
            try
            {
                using var _ = (IDisposable)new DisposableTable(RouterHarness.Load(text));
                accepted++;
            }
            catch (RouterConfigException)
            {
                refused++;
            }
        }
        // Both outcomes must really occur, or the test proves nothing.
        Assert.True(refused > 1000, $"refused {refused}");
        Assert.True(accepted > 10, $"accepted {accepted}");
    }

    private static IEnumerable<RouteHandle> Flatten(RouteHandle route) => route.Children.SelectMany(Flatten).Prepend(route);

    private sealed class DisposableTable(RouteTable table) : IDisposable
    {
        public void Dispose() => table.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
