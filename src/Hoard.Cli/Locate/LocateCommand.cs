using System.CommandLine;
using System.CommandLine.Help;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Locate;

/// <summary>
/// <c>hoard locate</c>: which server holds a key, computed the way the fleet's clients compute it
/// (no server is contacted). Prints <c>KEY HOST:PORT</c> per key, for operators chasing a key.
/// </summary>
internal static class LocateCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<TextReader> input)
    {
        var servers = new Option<string>("--servers")
        {
            Description = "The servers, in the clients' order: HOST:PORT[:WEIGHT],... ([IPV6]:PORT for IPv6)",
            Required = true,
        };
        var distribution = new Option<string>("--distribution")
        {
            Description = "How clients spread keys: ketama (default), modula (python-memcached), rendezvous (pymemcache)",
            DefaultValueFactory = _ => "ketama",
        };
        distribution.AcceptOnlyFromAmong(DistributionNames.Keys.ToArray());
        var flavor = new Option<string?>("--flavor")
        {
            Description = "Which ketama: libketama (default: libmemcached KETAMA_WEIGHTED, twemproxy, PHP), " +
                "libmemcached-ketama (libmemcached KETAMA, pylibmc ketama), spymemcached, libmemcached-spy",
        };
        flavor.AcceptOnlyFromAmong(FlavorNames.Keys.ToArray());
        var keys = new Argument<string[]>("KEY")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "Keys to locate; with none, keys are read from standard input, one per line",
        };

        var command = new Command("locate", "Print the server that holds each key: KEY HOST:PORT per line.")
        {
            servers,
            distribution,
            flavor,
            keys,
        };
        // The root's help is not recursive (hoard server -h is memcached's), so locate brings its own.
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) =>
        {
            var given = parse.GetValue(keys) ?? [];
            return RunAsync(
                parse.GetValue(servers)!,
                parse.GetValue(distribution) ?? "ketama",
                parse.GetValue(flavor),
                given.Length > 0 ? given : ReadKeys(input()),
                output,
                error);
        });
        return command;
    }

    private static readonly Dictionary<string, KeyDistribution> DistributionNames = new(StringComparer.Ordinal)
    {
        ["ketama"] = KeyDistribution.Ketama,
        ["modula"] = KeyDistribution.Modula,
        ["rendezvous"] = KeyDistribution.Rendezvous,
    };

    private static readonly Dictionary<string, KetamaFlavor> FlavorNames = new(StringComparer.Ordinal)
    {
        ["libketama"] = KetamaFlavor.Libketama,
        ["libmemcached-ketama"] = KetamaFlavor.LibmemcachedKetama,
        ["spymemcached"] = KetamaFlavor.Spymemcached,
        ["libmemcached-spy"] = KetamaFlavor.LibmemcachedSpy,
    };

    internal static async Task<int> RunAsync(
        string serverList, string distributionName, string? flavorName, IEnumerable<string> keys, TextWriter output, TextWriter error)
    {
        INodeLocator locator;
        try
        {
            var distribution = DistributionNames[distributionName];
            if (flavorName is not null && distribution != KeyDistribution.Ketama)
                throw new FormatException($"--flavor applies only to --distribution ketama, not {distributionName}");
            KetamaFlavor? flavor = flavorName is null ? null : FlavorNames[flavorName];
            locator = NodeLocator.Create(distribution, ServerEndPoint.ParseList(serverList), flavor);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            await error.WriteLineAsync($"hoard locate: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // One buffer for every key: the locator reads the key's bytes as they would go on the wire (UTF-8).
        var buffer = new byte[256];
        var lines = new StringBuilder();
        foreach (var key in keys)
        {
            var length = Encoding.UTF8.GetMaxByteCount(key.Length);
            if (length > buffer.Length)
                buffer = new byte[length];
            var written = Encoding.UTF8.GetBytes(key, buffer);
            var server = locator.Locate(buffer.AsSpan(0, written));
            lines.Append(key).Append(' ').Append(server.HostPort).Append('\n');
            if (lines.Length > 64 * 1024)
            {
                await output.WriteAsync(lines.ToString()).ConfigureAwait(false);
                lines.Clear();
            }
        }
        await output.WriteAsync(lines.ToString()).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static IEnumerable<string> ReadKeys(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
                yield return line;
        }
    }
}
