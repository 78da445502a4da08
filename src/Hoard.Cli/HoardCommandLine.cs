using System.CommandLine;
using System.CommandLine.Help;
using Hoard.Cli.Getopt;
using Hoard.Cli.Hosting;
using Hoard.Cli.Bench;
using Hoard.Cli.Locate;
using Hoard.Cli.Router;
using Hoard.Cli.ServerCommand;

namespace Hoard.Cli;

/// <summary>The <c>hoard</c> command tree: System.CommandLine routes to subcommands.</summary>
internal static class HoardCommandLine
{
    public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, Console.Out, Console.Error);

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Create(args, output, error);

        // No @response files: "hoard server" arguments are memcached's and passed through untouched.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // No termination timeout: System.CommandLine would otherwise end the process with 130/143 when a
        // shutdown takes over 2 s; server, router and cluster handle SIGINT/SIGTERM themselves and exit 0.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    public static RootCommand Create(IReadOnlyList<string> processArguments, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Hoard: a memcached-compatible cache server, client tools and router.");

        // "hoard server -h" is memcached's -h, handled by the server's own parser, not System.CommandLine's help.
        foreach (var option in root.Options)
        {
            if (option is HelpOption) option.Recursive = false;
        }

        root.Add(CreateServerCommand(processArguments, output, error));
        root.Add(LocateCommand.Create(output, error, () => Console.In));
        root.Add(BenchCommand.Create(output, error));
        root.Add(RouterCommand.Create(output, error));
        root.Add(Stats.StatsCommand.Create(output, error));
        root.Add(Stats.TopCommand.Create(output, error));
        root.Add(Cluster.ClusterCommand.Create(output, error));
        return root;
    }

    private static Command CreateServerCommand(IReadOnlyList<string> processArguments, TextWriter output, TextWriter error)
    {
        // memcached's flags are getopt-style (-p11211, -vv, --por=1); GetoptParser reads them, so
        // System.CommandLine hands over every word after "server" as is.
        var flags = new Argument<string[]>("flags")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "memcached 1.6 flags; see hoard server -h",
        };
        var command = new Command("server", "Run a memcached-compatible cache server (memcached's flags; hoard server -h).")
        {
            flags,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
            RunServerAsync(parse.GetValue(flags) ?? [], processArguments, output, error));
        return command;
    }

    internal static async Task<int> RunServerAsync(
        IReadOnlyList<string> flags, IReadOnlyList<string> processArguments, TextWriter output, TextWriter error)
    {
        ServerCommandLine commandLine;
        try
        {
            commandLine = ServerArgumentParser.Parse(flags);
        }
        catch (CommandLineUsageException e)
        {
            await error.WriteLineAsync($"hoard server: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        switch (commandLine.Action)
        {
            case ServerCommandAction.ShowHelp:
                ServerHelp.Write(output);
                return ExitCodes.Success;
            case ServerCommandAction.ShowVersion:
                await output.WriteLineAsync(ProductInfo.VersionLine).ConfigureAwait(false);
                return ExitCodes.Success;
            case ServerCommandAction.ShowLicense:
                await output.WriteLineAsync(
                    $"{ProductInfo.VersionLine}: see the LICENSE file of the Hoard repository. " +
                    "Hoard contains no memcached or libevent code, so their licenses do not apply.").ConfigureAwait(false);
                return ExitCodes.Success;
        }

        try
        {
            return await ServerHost.RunAsync(commandLine, processArguments, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One line, no stack trace, unless asked for with -vv.
            await error.WriteLineAsync(commandLine.Options.Verbosity >= 2 ? $"hoard server: {e}" : $"hoard server: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Software;
        }
    }
}
