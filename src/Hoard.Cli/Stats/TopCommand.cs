using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Spectre.Console;

namespace Hoard.Cli.Stats;

/// <summary>
/// <c>hoard top</c>: per-second request rates of memcached-compatible servers, refreshed in place like top(1)
/// until q or Ctrl-C (or for <c>--iterations</c> refreshes, for scripts and tests). Off a terminal each refresh
/// is printed as plain text. Exits 0, or 69 when no server answered the last read.
/// </summary>
internal static class TopCommand
{
    internal static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var servers = new Option<string>("--servers") { Description = "The servers: HOST:PORT,...", DefaultValueFactory = _ => ServerListText.Default };
        var interval = new Option<string>("--interval") { Description = "Time between refreshes: 500ms, 1s, 2.5s, 1m, ...", DefaultValueFactory = _ => "1s" };
        var iterations = new Option<int>("--iterations") { Description = "Stop after this many refreshes (0: run until q or Ctrl-C)" };
        var command = new Command("top", "Show live per-second rates (gets, sets, hits, misses, evictions, bytes) of memcached-compatible servers.")
        {
            servers, interval, iterations,
        };
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(servers)!, parse.GetValue(interval)!, parse.GetValue(iterations), output, error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string serverList, string intervalText, int iterations, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ServerListText.TryParse(serverList, out var servers, out var problem) ||
            !DurationText.TryParse(intervalText, "--interval", MinInterval, MaxInterval, out var interval, out problem) ||
            !CheckIterations(iterations, out problem))
        {
            await error.WriteLineAsync("hoard top: " + problem).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var stop = StopSignals.Register(cancellationToken);
        var console = StatusConsole.For(output);
        var timeout = interval < StatsCommand.DefaultTimeout ? StatsCommand.DefaultTimeout : interval;
        await using var reader = new StatsReader(servers, timeout);
        var keys = console.IsLive ? QuitKey.WatchAsync(stop.Stop, stop.Token) : Task.CompletedTask;

        var previous = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        var last = previous;
        var clock = Stopwatch.StartNew();
        await console.RunAsync(Frame(previous, new StatsRates?[previous.Count], console, interval, 0), async show =>
        {
            for (int refresh = 1; iterations == 0 || refresh <= iterations; refresh++)
            {
                // Refreshes keep to the interval's grid, so a slow read does not make the following ones drift.
                var wait = interval * refresh - clock.Elapsed;
                try
                {
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var current = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                var rates = current.Select((snapshot, i) => StatsRates.Between(previous[i], snapshot)).ToArray();
                show(Frame(current, rates, console, interval, refresh));
                previous = current;
                last = current;
                if (stop.Token.IsCancellationRequested)
                    return;
            }
        }).ConfigureAwait(false);
        stop.Stop();
        await keys.ConfigureAwait(false);
        return last.Any(s => s.IsUp) ? ExitCodes.Success : ExitCodes.Unavailable;
    }

    private static bool CheckIterations(int iterations, [NotNullWhen(false)] out string? problem)
    {
        problem = iterations < 0 ? $"--iterations {iterations} is negative; 0 runs until q or Ctrl-C" : null;
        return problem is null;
    }

    private static Rows Frame(IReadOnlyList<StatsSnapshot> snapshots, IReadOnlyList<StatsRates?> rates, StatusConsole console, TimeSpan interval, int refresh)
    {
        var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var heading = console.IsLive
            ? $"[bold]hoard top[/]  {time}  every {DurationText.Describe(interval)}  [dim](q or Ctrl-C quits)[/]"
            : $"hoard top {time} refresh {refresh.ToString(CultureInfo.InvariantCulture)} interval {DurationText.Describe(interval)}";
        // Why a server is down goes under the table, where a long reason does not squeeze the figures.
        var reasons = snapshots.Where(s => !s.IsUp).Select(s => $"{s.Server.HostPort} down: {s.Error}");
        return new Rows(new Markup(heading), TopTable.Build(snapshots, rates, console), new Text(string.Join('\n', reasons.Append(""))));
    }
}
