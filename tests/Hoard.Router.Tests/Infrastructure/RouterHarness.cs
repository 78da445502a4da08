using System.Net;
using Hoard.Router.Config;
using Hoard.Router.Deletes;
using Hoard.Router.Routes;
using Hoard.Router.Stats;
using Hoard.Router.Upstream;
using Hoard.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Router.Tests.Infrastructure;

/// <summary>A <see cref="HoardRouter"/> in this process on a free port, over a config file in its own temp directory.</summary>
public sealed class RouterHarness : IAsyncDisposable
{
    private RouterHarness(HoardRouter router, string directory, string configPath)
    {
        Router = router;
        Directory = directory;
        ConfigPath = configPath;
    }

    public HoardRouter Router { get; private set; }

    public string Directory { get; }

    public string ConfigPath { get; }

    public int Port => ((IPEndPoint)Router.EndPoints[0]).Port;

    public static async Task<RouterHarness> StartAsync(string config, Func<RouterOptions, RouterOptions>? configure = null, string? directory = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory("hoard-router-test-").FullName;
        string path = Path.Combine(directory, "router.json");
        await File.WriteAllTextAsync(path, config);
        var options = new RouterOptions
        {
            ConfigPath = path,
            Port = 0,
            ListenAddresses = ["127.0.0.1"],
            Threads = 2,
            ServerTimeout = TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            ProbeDelayInitial = TimeSpan.FromMilliseconds(200),
            ProbeDelayMax = TimeSpan.FromSeconds(1),
            ConfigPollInterval = TimeSpan.FromMilliseconds(200),
        };
        if (configure is not null)
            options = configure(options);
        var router = new HoardRouter(options, loggerFactory);
        await router.StartAsync();
        return new RouterHarness(router, directory, path);
    }

    /// <summary>
    /// Settings for a router on <paramref name="transport"/> with two front threads and a small in-flight limit per
    /// client, so that pipelines make reading pause and resume.
    /// </summary>
    public static Func<RouterOptions, RouterOptions> OnTransport(Hoard.Server.TransportKind transport, int maxInFlightPerClient) => o => new RouterOptions
    {
        ConfigPath = o.ConfigPath,
        Port = 0,
        ListenAddresses = o.ListenAddresses,
        Threads = 2,
        Transport = transport,
        MaxInFlightPerClient = maxInFlightPerClient,
        ServerTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>Replaces the config the Kubernetes way: a new file, then an atomic rename over the old one.</summary>
    public async Task ReplaceConfigAsync(string config)
    {
        string staging = ConfigPath + ".new";
        await File.WriteAllTextAsync(staging, config);
        File.Move(staging, ConfigPath, overwrite: true);
    }

    public TextClient Connect() => TextClient.Connect(Port);

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A route runtime for unit tests of route handles (no delete log unless given).</summary>
    public static RouteRuntime Runtime(DeleteLog? log = null) =>
        new(new RouterOptions { ConfigPath = "unused.json" }, new RouterStatistics(), log, NullLogger.Instance);

    public static UpstreamRegistry Registry() => new(new RouterOptions { ConfigPath = "unused.json" }, NullLogger.Instance);

    public static RouteTable Load(string json) => RouterConfigLoader.Load(json, Registry(), Runtime());

    /// <summary>Polls <paramref name="condition"/> until true or <paramref name="within"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
                return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
