using Hoard.Client;

namespace Hoard.Samples.Movies.Configuration;

/// <summary>
/// Hoard.Client settings tuned for serving web pages, applied before the <c>Hoard</c> section (which can
/// override each of them): a dead cache must cost a page milliseconds, not seconds.
/// </summary>
public static class CacheClientDefaults
{
    /// <summary>What <c>./hoard cluster up --nodes 3</c> starts.</summary>
    public static readonly IReadOnlyList<string> Servers = ["127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11213"];

    public static void Apply(HoardClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        options.OperationTimeout = TimeSpan.FromMilliseconds(500);
        // One failed connection takes a node out of the ring, so its keys move to the next node at once (the
        // failing request retries there) instead of a second page paying for the same dead node.
        options.FailureLimit = 1;
        options.RetryTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// After binding: <c>Hoard:Servers</c> may also be one comma-separated string (handy in an environment
    /// variable), and with no servers and no discovery the local three-node cluster is used.
    /// </summary>
    public static void ApplyServers(HoardClientOptions options, IConfiguration hoardSection)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hoardSection);
        if (hoardSection["Servers"] is { } list && !string.IsNullOrWhiteSpace(list))
        {
            // Entries are checked by HoardClientOptions.Validate at start-up, with the reason for a bad one.
            foreach (var server in list.Split(',', StringSplitOptions.TrimEntries))
                options.Servers.Add(server);
        }
        if (options.Servers.Count == 0 && options.Discovery is null && string.IsNullOrWhiteSpace(options.DiscoveryUri))
        {
            foreach (var server in Servers)
                options.Servers.Add(server);
        }
    }
}
