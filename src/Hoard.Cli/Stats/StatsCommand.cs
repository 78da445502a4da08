using System.CommandLine;
using System.CommandLine.Help;

namespace Hoard.Cli.Stats;

/// <summary>
/// <c>hoard stats</c>: the key figures of any memcached-compatible servers (Hoard, memcached, a router) in one
/// table, or their full <c>stats</c> as JSON. Exits 0 when at least one server answered, 69 when none did:
/// a partly-down fleet is something to look at, not a failure of the command.
/// </summary>
internal static class StatsCommand
{
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    internal static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var servers = new Option<string>("--servers") { Description = "The servers: HOST:PORT,...", DefaultValueFactory = _ => ServerListText.Default };
        var json = new Option<bool>("--json") { Description = "Print every server's full stats as JSON" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for each server: 500ms, 2s, ...", DefaultValueFactory = _ => "2s" };
        var command = new Command("stats", "Print the key figures (items, memory, hits, misses, evictions...) of memcached-compatible servers.")
        {
            servers, json, timeout,
        };
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(servers)!, parse.GetValue(json), parse.GetValue(timeout)!, output, error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string serverList, bool json, string timeoutText, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ServerListText.TryParse(serverList, out var servers, out var problem) ||
            !DurationText.TryParse(timeoutText, "--timeout", MinTimeout, MaxTimeout, out var timeout, out problem))
        {
            await error.WriteLineAsync("hoard stats: " + problem).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        IReadOnlyList<StatsSnapshot> snapshots;
        await using (var reader = new StatsReader(servers, timeout))
            snapshots = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);

        if (json)
        {
            await output.WriteLineAsync(StatsJson.Write(snapshots)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var console = StatusConsole.For(output);
            console.Write(StatsTable.Build(snapshots, console));
        }

        foreach (var down in snapshots.Where(s => !s.IsUp))
            await error.WriteLineAsync($"hoard stats: {down.Server.HostPort} is down: {down.Error}").ConfigureAwait(false);
        return snapshots.Any(s => s.IsUp) ? ExitCodes.Success : ExitCodes.Unavailable;
    }
}
