using System.Globalization;
using System.Text.Json;
using Hoard.Client.Discovery;
using Hoard.Client.Distribution;
using Hoard.Router.Requests;
using Hoard.Router.Routes;
using Hoard.Router.Upstream;

namespace Hoard.Router.Config;

/// <summary>
/// Reads mcrouter's JSON route configuration (comments and trailing commas allowed) into a <see cref="RouteTable"/>:
/// <c>pools</c>, <c>route</c> or <c>routes</c> (with <c>aliases</c>), <c>named_handles</c>, and route handles written
/// as objects (<c>{"type": "PoolRoute", "pool": "A"}</c>) or in the short string form (<c>"PoolRoute|A"</c>).
/// Every problem is a <see cref="RouterConfigException"/> naming the JSON path; nothing is half-loaded.
/// </summary>
public sealed class RouterConfigLoader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    private readonly UpstreamRegistry _registry;
    private readonly RouteRuntime _runtime;
    private readonly Dictionary<string, UpstreamPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _namedDefinitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteHandle> _named = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    private RouterConfigLoader(UpstreamRegistry registry, RouteRuntime runtime)
    {
        _registry = registry;
        _runtime = runtime;
    }

    /// <summary>Parses <paramref name="json"/>; pools are created but not started (see <see cref="RouteTable.StartAsync"/>).</summary>
    public static RouteTable Load(string json, UpstreamRegistry registry, RouteRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(runtime);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new RouterConfigException($"not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var loader = new RouterConfigLoader(registry, runtime);
            try
            {
                return loader.Read(document.RootElement);
            }
            catch
            {
                foreach (var pool in loader._pools.Values)
                    pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
    }

    private RouteTable Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new RouterConfigException("$", "the config must be a JSON object with \"pools\" and \"route\" or \"routes\"");
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("pools" or "route" or "routes" or "named_handles"))
                throw new RouterConfigException($"$.{property.Name}", "unknown field (expected pools, route, routes, named_handles)");
        }
        if (root.TryGetProperty("pools", out var pools))
            ReadPools(pools);
        if (root.TryGetProperty("named_handles", out var named))
        {
            if (named.ValueKind != JsonValueKind.Array)
                throw new RouterConfigException("$.named_handles", "must be an array of route handle objects, each with a \"name\"");
            int i = 0;
            foreach (var handle in named.EnumerateArray())
            {
                string path = $"$.named_handles[{i++}]";
                if (handle.ValueKind != JsonValueKind.Object || !handle.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } handleName)
                    throw new RouterConfigException(path, "a named handle is an object with a non-empty \"name\"");
                if (!_namedDefinitions.TryAdd(handleName, handle))
                    throw new RouterConfigException(path + ".name", $"handle name '{handleName}' is used twice");
            }
        }
        bool hasRoute = root.TryGetProperty("route", out var route);
        bool hasRoutes = root.TryGetProperty("routes", out var routes);
        if (hasRoute == hasRoutes)
            throw new RouterConfigException("$", "exactly one of \"route\" and \"routes\" is required");
        if (hasRoute)
            return new RouteTable(Handle(route, "$.route"), [], _pools);

        if (routes.ValueKind != JsonValueKind.Array || routes.GetArrayLength() == 0)
            throw new RouterConfigException("$.routes", "must be a non-empty array of {\"aliases\": [...], \"route\": ...}");
        var aliases = new List<(string, RouteHandle)>();
        int index = 0;
        foreach (var entry in routes.EnumerateArray())
        {
            string path = $"$.routes[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
                throw new RouterConfigException(path, "must be an object with \"aliases\" and \"route\"");
            var handle = Handle(Required(entry, "route", path), path + ".route");
            var names = Required(entry, "aliases", path);
            if (names.ValueKind != JsonValueKind.Array || names.GetArrayLength() == 0)
                throw new RouterConfigException(path + ".aliases", "must be a non-empty array of routing prefixes like \"/region/cluster/\"");
            int a = 0;
            foreach (var alias in names.EnumerateArray())
            {
                string aliasPath = $"{path}.aliases[{a++}]";
                if (alias.ValueKind != JsonValueKind.String || alias.GetString() is not { } prefix || !prefix.StartsWith('/') || !prefix.EndsWith('/') || prefix.Length < 3)
                    throw new RouterConfigException(aliasPath, "a routing prefix looks like \"/region/cluster/\"");
                if (aliases.Any(x => x.Item1 == prefix))
                    throw new RouterConfigException(aliasPath, $"routing prefix {prefix} is given twice");
                aliases.Add((prefix, handle));
            }
        }
        string? preferred = _runtime.Options.DefaultRoutePrefix;
        var defaultRoute = preferred is null
            ? aliases[0].Item2
            : aliases.FirstOrDefault(a => a.Item1 == preferred).Item2
              ?? throw new RouterConfigException("$.routes", $"--route-prefix {preferred} is none of the aliases ({string.Join(", ", aliases.Select(a => a.Item1))})");
        return new RouteTable(defaultRoute, aliases, _pools);
    }

    private void ReadPools(JsonElement pools)
    {
        if (pools.ValueKind != JsonValueKind.Object)
            throw new RouterConfigException("$.pools", "must be an object of named pools: {\"A\": {\"servers\": [\"host:port\", ...]}}");
        foreach (var pool in pools.EnumerateObject())
            _pools[pool.Name] = ReadPool(pool.Name, pool.Value, $"$.pools.{pool.Name}");
    }

    private UpstreamPool ReadPool(string name, JsonElement pool, string path)
    {
        if (name.Length == 0 || name.Contains('|', StringComparison.Ordinal))
            throw new RouterConfigException(path, "a pool name must be non-empty and without '|'");
        if (pool.ValueKind != JsonValueKind.Object)
            throw new RouterConfigException(path, "a pool is an object with \"servers\" (a list of host:port) or \"discovery\" (dns://, srv://, file://)");
        foreach (var property in pool.EnumerateObject())
        {
            if (property.Name is not ("servers" or "discovery" or "name" or "protocol"))
                throw new RouterConfigException($"{path}.{property.Name}", "unknown pool field (expected servers or discovery)");
        }
        if (pool.TryGetProperty("protocol", out var protocol) && !(protocol.ValueKind == JsonValueKind.String && protocol.GetString() is "ascii" or "meta"))
            throw new RouterConfigException(path + ".protocol", "only \"ascii\" is supported: the router forwards text and meta commands as they came");
        bool hasServers = pool.TryGetProperty("servers", out var servers);
        bool hasDiscovery = pool.TryGetProperty("discovery", out var discovery);
        if (hasServers == hasDiscovery)
            throw new RouterConfigException(path, "a pool needs exactly one of \"servers\" and \"discovery\"");
        if (hasDiscovery)
        {
            if (discovery.ValueKind != JsonValueKind.String || !DiscoverySpec.TryParse(discovery.GetString(), out var spec, out string? error))
                throw new RouterConfigException(path + ".discovery", discovery.ValueKind == JsonValueKind.String ? DescribeDiscoveryError(discovery.GetString()) : "must be a string like dns://NAME:PORT");
            if (spec.Kind == DiscoveryKind.Static)
                return UpstreamPool.Fixed(name, spec.Servers, _registry, _runtime.Logger);
            _ = error;
            return UpstreamPool.Discovered(name, spec, _registry, _runtime.Logger);
        }
        if (servers.ValueKind != JsonValueKind.Array || servers.GetArrayLength() == 0)
            throw new RouterConfigException(path + ".servers", "must be a non-empty array of \"host:port\"");
        var list = new List<ServerEndPoint>();
        int i = 0;
        foreach (var server in servers.EnumerateArray())
        {
            string serverPath = $"{path}.servers[{i++}]";
            if (server.ValueKind != JsonValueKind.String || !ServerEndPoint.TryParse(server.GetString(), out var endPoint, out string? problem))
                throw new RouterConfigException(serverPath, server.ValueKind == JsonValueKind.String ? $"'{server.GetString()}' is not host:port: {ServerProblem(server.GetString())}" : "must be a string \"host:port\"");
            if (list.Any(s => s.HostPort == endPoint.HostPort))
                throw new RouterConfigException(serverPath, $"{endPoint.HostPort} is listed twice");
            _ = problem;
            list.Add(endPoint);
        }
        return UpstreamPool.Fixed(name, list, _registry, _runtime.Logger);
    }

    private static string ServerProblem(string? text) => ServerEndPoint.TryParse(text, out _, out string? error) ? "" : error;

    private static string DescribeDiscoveryError(string? text) => DiscoverySpec.TryParse(text, out _, out string? error) ? "" : error;

    private RouteHandle Handle(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ShortForm(element.GetString()!, path);
            case JsonValueKind.Object:
                return ObjectForm(element, path);
            default:
                throw new RouterConfigException(path, "a route handle is an object with \"type\" or a string like \"PoolRoute|A\"");
        }
    }

    private RouteHandle ShortForm(string text, string path)
    {
        int bar = text.IndexOf('|', StringComparison.Ordinal);
        string type = bar < 0 ? text : text[..bar];
        string? argument = bar < 0 ? null : text[(bar + 1)..];
        switch (type)
        {
            case "PoolRoute" or "Pool":
                if (string.IsNullOrEmpty(argument))
                    throw new RouterConfigException(path, "\"PoolRoute|NAME\" needs a pool name");
                return new PoolRoute(PoolNamed(argument, path), KeyHashFunction.Ketama, [], _runtime) { Name = argument };
            case "NullRoute":
                return new NullRoute();
            case "ErrorRoute":
                return new ErrorRoute(string.IsNullOrEmpty(argument) ? "error route" : argument);
            default:
                if (bar < 0)
                    return NamedHandle(text, path);
                throw new RouterConfigException(path, $"unknown short route form '{text}' (PoolRoute|POOL, NullRoute, ErrorRoute|MESSAGE, or a named handle)");
        }
    }

    private RouteHandle NamedHandle(string name, string path)
    {
        if (_named.TryGetValue(name, out var built))
            return built;
        if (!_namedDefinitions.TryGetValue(name, out var definition))
            throw new RouterConfigException(path, $"'{name}' is no route handle type or named handle");
        if (!_resolving.Add(name))
            throw new RouterConfigException(path, $"named handle '{name}' refers to itself");
        var handle = ObjectForm(definition, $"named_handles.{name}");
        _resolving.Remove(name);
        _named[name] = handle;
        return handle;
    }

    private UpstreamPool PoolNamed(string name, string path) =>
        _pools.TryGetValue(name, out var pool) ? pool : throw new RouterConfigException(path, $"pool '{name}' is not defined in \"pools\" (defined: {(_pools.Count == 0 ? "none" : string.Join(", ", _pools.Keys))})");

    private RouteHandle ObjectForm(JsonElement element, string path)
    {
        if (!element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            throw new RouterConfigException(path, "a route handle object needs a \"type\" (PoolRoute, FailoverRoute, AllSyncRoute, ...)");
        string type = typeElement.GetString()!;
        string name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        if (name.Length > 0 && !path.StartsWith("named_handles.", StringComparison.Ordinal))
        {
            // An inline handle with a name can be referred to elsewhere by that name too.
            if (_named.TryGetValue(name, out var existing))
                return existing;
        }
        RouteHandle handle = type switch
        {
            "PoolRoute" => PoolRouteOf(element, path),
            "HashRoute" => new HashRoute(ChildrenOf(element, path), HashOf(element, "hash_func", path, KeyHashFunction.Ch3)),
            "FailoverRoute" => new FailoverRoute(ChildrenOf(element, path), FailoverErrorsOf(element, path), _runtime),
            "MissFailoverRoute" => new MissFailoverRoute(ChildrenOf(element, path), _runtime),
            "AllSyncRoute" => new AllRoute(AllRouteMode.Sync, ChildrenOf(element, path), _runtime),
            "AllAsyncRoute" => new AllRoute(AllRouteMode.Async, ChildrenOf(element, path), _runtime),
            "AllInitialRoute" => new AllRoute(AllRouteMode.Initial, ChildrenOf(element, path), _runtime),
            "AllMajorityRoute" => new AllRoute(AllRouteMode.Majority, ChildrenOf(element, path), _runtime),
            "AllFastestRoute" => new AllRoute(AllRouteMode.Fastest, ChildrenOf(element, path), _runtime),
            "WarmUpRoute" => new WarmUpRoute(
                Handle(Required(element, "cold", path), path + ".cold"),
                Handle(Required(element, "warm", path), path + ".warm"),
                element.TryGetProperty("exptime", out var e) ? Integer(e, path + ".exptime", 0, int.MaxValue) : 0,
                _runtime),
            "PrefixSelectorRoute" => new PrefixSelectorRoute(
                PoliciesOf(element, "policies", path, key => key.Length > 0 ? null : "a prefix must not be empty"),
                element.TryGetProperty("wildcard", out var w) ? Handle(w, path + ".wildcard") : new ErrorRoute("no route for this key prefix")),
            "OperationSelectorRoute" => new OperationSelectorRoute(
                PoliciesOf(element, "operation_policies", path, key => OperationNames.Contains(key) ? null : $"unknown operation '{key}' (expected {string.Join(", ", OperationNames)})"),
                element.TryGetProperty("default_policy", out var d) ? Handle(d, path + ".default_policy") : new ErrorRoute("no route for this operation")),
            "ModifyExptimeRoute" => new ModifyExptimeRoute(
                Handle(Required(element, "target", path), path + ".target"),
                Integer(Required(element, "exptime", path), path + ".exptime", -1, int.MaxValue),
                ExptimeActionOf(element, path)),
            "RandomRoute" => new RandomRoute(ChildrenOf(element, path)),
            "NullRoute" => new NullRoute(),
            "ErrorRoute" => new ErrorRoute(element.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "error route"),
            _ => throw new RouterConfigException(path + ".type", $"unknown route handle type '{type}' (supported: {string.Join(", ", SupportedTypes)})"),
        };
        return name.Length > 0 ? WithName(handle, name) : handle;
    }

    private static readonly string[] SupportedTypes =
    [
        "PoolRoute", "HashRoute", "FailoverRoute", "MissFailoverRoute", "AllSyncRoute", "AllAsyncRoute", "AllInitialRoute",
        "AllMajorityRoute", "AllFastestRoute", "WarmUpRoute", "PrefixSelectorRoute", "OperationSelectorRoute",
        "ModifyExptimeRoute", "RandomRoute", "NullRoute", "ErrorRoute",
    ];

    private static readonly HashSet<string> OperationNames = new(StringComparer.Ordinal)
    {
        "get", "gets", "gat", "gats", "set", "add", "replace", "append", "prepend", "cas", "delete", "incr", "decr", "touch",
    };

    private RouteHandle WithName(RouteHandle handle, string name)
    {
        handle.Name = name;
        _named.TryAdd(name, handle);
        return handle;
    }

    private PoolRoute PoolRouteOf(JsonElement element, string path)
    {
        var poolElement = Required(element, "pool", path);
        UpstreamPool pool;
        if (poolElement.ValueKind == JsonValueKind.String)
        {
            pool = PoolNamed(poolElement.GetString()!, path + ".pool");
        }
        else if (poolElement.ValueKind == JsonValueKind.Object)
        {
            string poolName = poolElement.TryGetProperty("name", out var pn) && pn.ValueKind == JsonValueKind.String ? pn.GetString()! : $"inline@{path}";
            if (_pools.ContainsKey(poolName))
                throw new RouterConfigException(path + ".pool.name", $"pool '{poolName}' is already defined");
            pool = ReadPool(poolName, poolElement, path + ".pool");
            _pools[poolName] = pool;
        }
        else
        {
            throw new RouterConfigException(path + ".pool", "must be a pool name or a pool object");
        }
        var shadows = new List<PoolRoute.Shadow>();
        if (element.TryGetProperty("shadows", out var shadowList))
        {
            if (shadowList.ValueKind != JsonValueKind.Array)
                throw new RouterConfigException(path + ".shadows", "must be an array of {\"target\": route, \"key_fraction_range\": [from, to]}");
            int i = 0;
            foreach (var shadow in shadowList.EnumerateArray())
            {
                string shadowPath = $"{path}.shadows[{i++}]";
                if (shadow.ValueKind != JsonValueKind.Object)
                    throw new RouterConfigException(shadowPath, "must be an object with \"target\"");
                var target = Handle(Required(shadow, "target", shadowPath), shadowPath + ".target");
                double from = 0, to = 1;
                if (shadow.TryGetProperty("key_fraction_range", out var range))
                {
                    if (range.ValueKind != JsonValueKind.Array || range.GetArrayLength() != 2
                        || !range[0].TryGetDouble(out from) || !range[1].TryGetDouble(out to) || from < 0 || to > 1 || from > to)
                        throw new RouterConfigException(shadowPath + ".key_fraction_range", "must be [from, to] with 0 <= from <= to <= 1");
                }
                shadows.Add(new PoolRoute.Shadow(target, from, to));
            }
        }
        return new PoolRoute(pool, HashOf(element, "hash", path, KeyHashFunction.Ketama), shadows, _runtime) { Name = pool.Name };
    }

    private static KeyHashFunction HashOf(JsonElement element, string field, string path, KeyHashFunction fallback)
    {
        if (!element.TryGetProperty(field, out var hash))
            return fallback;
        // mcrouter writes "hash": {"hash_func": "Ch3"}; a plain string is accepted too.
        if (hash.ValueKind == JsonValueKind.Object && hash.TryGetProperty("hash_func", out var inner))
        {
            hash = inner;
            path += "." + field;
            field = "hash_func";
        }
        if (hash.ValueKind == JsonValueKind.String)
        {
            switch (hash.GetString()!.ToLowerInvariant())
            {
                case "ketama": return KeyHashFunction.Ketama;
                case "ch3" or "jump" or "weightedch3": return KeyHashFunction.Ch3;
                case "crc32": return KeyHashFunction.Crc32;
                case "modula": return KeyHashFunction.Modula;
                case "rendezvous": return KeyHashFunction.Rendezvous;
            }
        }
        throw new RouterConfigException($"{path}.{field}", "unknown hash function (expected ketama, ch3, crc32, modula or rendezvous)");
    }

    private List<RouteHandle> ChildrenOf(JsonElement element, string path)
    {
        var children = Required(element, "children", path);
        if (children.ValueKind == JsonValueKind.String)
            return [Handle(children, path + ".children")];
        if (children.ValueKind != JsonValueKind.Array || children.GetArrayLength() == 0)
            throw new RouterConfigException(path + ".children", "must be a non-empty array of route handles");
        var list = new List<RouteHandle>();
        int i = 0;
        foreach (var child in children.EnumerateArray())
        {
            list.Add(Handle(child, $"{path}.children[{i}]"));
            i++;
        }
        return list;
    }

    private Dictionary<string, RouteHandle> PoliciesOf(JsonElement element, string field, string path, Func<string, string?> check)
    {
        var policies = Required(element, field, path);
        if (policies.ValueKind != JsonValueKind.Object)
            throw new RouterConfigException($"{path}.{field}", "must be an object of {\"key\": route handle}");
        var result = new Dictionary<string, RouteHandle>(StringComparer.Ordinal);
        foreach (var policy in policies.EnumerateObject())
        {
            if (check(policy.Name) is { } problem)
                throw new RouterConfigException($"{path}.{field}.{policy.Name}", problem);
            result[policy.Name] = Handle(policy.Value, $"{path}.{field}.{policy.Name}");
        }
        return result;
    }

    private static Dictionary<OperationGroup, IReadOnlySet<ReplyResult>> FailoverErrorsOf(JsonElement element, string path)
    {
        var result = new Dictionary<OperationGroup, IReadOnlySet<ReplyResult>>();
        if (!element.TryGetProperty("failover_errors", out var errors))
            return result;
        string errorsPath = path + ".failover_errors";
        if (errors.ValueKind == JsonValueKind.Array)
        {
            var set = ErrorSet(errors, errorsPath);
            foreach (var group in Enum.GetValues<OperationGroup>())
                result[group] = set;
            return result;
        }
        if (errors.ValueKind != JsonValueKind.Object)
            throw new RouterConfigException(errorsPath, "must be a list of errors or {\"gets\": [...], \"updates\": [...], \"deletes\": [...]}");
        foreach (var property in errors.EnumerateObject())
        {
            OperationGroup group = property.Name switch
            {
                "gets" => OperationGroup.Gets,
                "updates" => OperationGroup.Updates,
                "deletes" => OperationGroup.Deletes,
                _ => throw new RouterConfigException($"{errorsPath}.{property.Name}", "unknown operation group (expected gets, updates, deletes)"),
            };
            result[group] = ErrorSet(property.Value, $"{errorsPath}.{property.Name}");
        }
        return result;
    }

    private static HashSet<ReplyResult> ErrorSet(JsonElement list, string path)
    {
        if (list.ValueKind != JsonValueKind.Array)
            throw new RouterConfigException(path, "must be a list of error names");
        var set = new HashSet<ReplyResult>();
        foreach (var item in list.EnumerateArray())
        {
            switch (item.ValueKind == JsonValueKind.String ? item.GetString() : null)
            {
                case "connect_error": set.Add(ReplyResult.ConnectError); break;
                case "connect_timeout" or "timeout": set.Add(ReplyResult.Timeout); break;
                case "tko": set.Add(ReplyResult.Tko); break;
                case "remote_error": set.Add(ReplyResult.RemoteError); break;
                case "local_error": set.Add(ReplyResult.LocalError); break;
                default:
                    throw new RouterConfigException(path, $"unknown error {item} (expected connect_error, connect_timeout, timeout, tko, remote_error, local_error)");
            }
        }
        return set;
    }

    private static ExptimeAction ExptimeActionOf(JsonElement element, string path)
    {
        if (!element.TryGetProperty("action", out var action))
            return ExptimeAction.Set;
        return (action.ValueKind == JsonValueKind.String ? action.GetString() : null) switch
        {
            "set" => ExptimeAction.Set,
            "min" => ExptimeAction.Min,
            _ => throw new RouterConfigException(path + ".action", "must be \"set\" or \"min\""),
        };
    }

    private static long Integer(JsonElement element, string path, long min, long max)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long value) && value >= min && value <= max)
            return value;
        if (element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            return value;
        throw new RouterConfigException(path, $"must be a whole number from {min} to {max}");
    }

    private static JsonElement Required(JsonElement element, string field, string path) =>
        element.TryGetProperty(field, out var value) ? value : throw new RouterConfigException(path, $"\"{field}\" is required");
}
