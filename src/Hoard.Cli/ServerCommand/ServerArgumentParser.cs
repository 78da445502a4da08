using Hoard.Cli.Getopt;
using Hoard.Server;

namespace Hoard.Cli.ServerCommand;

/// <summary>Reads memcached 1.6.18's command line into a <see cref="ServerCommandLine"/>.</summary>
internal static class ServerArgumentParser
{
    private const int ManyThreads = 64;

    /// <summary>Parses <paramref name="args"/> (the words after <c>hoard server</c>).</summary>
    /// <exception cref="CommandLineUsageException">The command line cannot be used; the message says why in one line.</exception>
    public static ServerCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new ServerCommandLine();
        var listenGiven = false;
        var tcpPortGiven = false;
        var udpPortGiven = false;

        foreach (var match in GetoptParser.Parse(args, ServerFlags.Options))
        {
            var flag = ServerFlags.ForOption(match.Option);
            switch (flag.Support)
            {
                case FlagSupport.Refused:
                    throw new CommandLineUsageException($"{flag.DisplayName} is not supported: {flag.Note}");
                case FlagSupport.Ignored:
                    CheckIgnoredValue(flag, match.Value);
                    result.Warnings.Add($"warning: {flag.DisplayName} ignored: {flag.Note}");
                    continue;
            }

            // Implemented flags; help, version and license stop the scan where they stand, as in memcached.
            if (Apply(result, flag, match, ref listenGiven) is { } stop)
            {
                result.Action = stop;
                return result;
            }

            tcpPortGiven |= flag.Letter == 'p';
            udpPortGiven |= flag.Letter == 'U';
        }

        // As memcached: -U without -p serves TCP on the UDP port too.
        if (udpPortGiven && !tcpPortGiven && result.Options.UdpPort != 0)
            result.Options.Port = result.Options.UdpPort == -1 ? 0 : result.Options.UdpPort;

        return result;
    }

    private static ServerCommandAction? Apply(ServerCommandLine result, ServerFlag flag, GetoptMatch match, ref bool listenGiven)
    {
        var options = result.Options;
        var value = match.Value;
        switch (flag.Letter)
        {
            case 'h': return ServerCommandAction.ShowHelp;
            case 'V': return ServerCommandAction.ShowVersion;
            case 'i': return ServerCommandAction.ShowLicense;
            case 'p': options.Port = FlagValues.Port(flag, Required(value), minusOneMeansAny: true); break;
            // -1 asks for a free port, as memcached spells it; 0 is taken by "UDP off".
            case 'U': options.UdpPort = Required(value) == "-1" ? -1 : FlagValues.Port(flag, Required(value), minusOneMeansAny: false); break;
            case 's': options.UnixSocketPath = NonEmpty(flag, Required(value), "a socket file path"); break;
            case 'a': options.UnixSocketMask = FlagValues.OctalMask(flag, Required(value)); break;
            case 'A': options.EnableShutdownCommand = true; break;
            case 'l':
                AddListenAddresses(options, flag, Required(value), replaceDefault: !listenGiven);
                listenGiven = true;
                break;
            case 'd': result.Daemonize = true; break;
            case 'u': result.User = NonEmpty(flag, Required(value), "a user name"); break;
            case 'm': options.MemoryLimitBytes = FlagValues.Megabytes(flag, Required(value)); break;
            case 'M': options.DisableEvictions = true; break;
            case 'c': options.MaxConnections = FlagValues.Positive(flag, Required(value)); break;
            case 'v': options.Verbosity = Verbosity(flag, options.Verbosity, value); break;
            case 'P': result.PidFile = NonEmpty(flag, Required(value), "a file path"); break;
            case 't':
                options.Threads = FlagValues.Positive(flag, Required(value));
                if (options.Threads > ManyThreads)
                {
                    result.Warnings.Add("warning: setting a high number of worker threads is not recommended; " +
                        "set -t to the number of cores of this machine or less");
                }

                break;
            case 'R': options.RequestsPerEvent = FlagValues.Positive(flag, Required(value)); break;
            case 'C': options.DisableCas = true; break;
            case 'b': options.Backlog = FlagValues.Positive(flag, Required(value)); break;
            case 'B': options.Protocol = ParseProtocol(flag, Required(value)); break;
            case 'I': options.MaxItemSize = FlagValues.ItemSize(flag, Required(value)); break;
            case 'F': options.DisableFlushAll = true; break;
            case 'S': options.SaslEnabled = true; break;
            case 'Y': options.AsciiAuthFile = NonEmpty(flag, Required(value), "a password file path"); break;
            case 'Z': options.TlsEnabled = true; break;
            case 'o': ExtendedOptionParser.Apply(Required(value), options, result.Warnings); break;
            default: throw new InvalidOperationException($"flag {flag.DisplayName} is marked implemented but has no handler");
        }

        return null;
    }

    /// <summary>Ignored flags still get their value checked, so a typo is caught before it matters.</summary>
    private static void CheckIgnoredValue(ServerFlag flag, string? value)
    {
        switch (flag.Letter)
        {
            case 'f': FlagValues.GrowthFactor(flag, Required(value)); break;
            case 'n': FlagValues.Positive(flag, Required(value)); break;
            case 'N': FlagValues.NonNegative(flag, Required(value)); break;
            case 'D': NonEmpty(flag, Required(value), "a delimiter character"); break;
            case 'e': NonEmpty(flag, Required(value), "a file path"); break;
        }
    }

    private static void AddListenAddresses(ServerOptions options, ServerFlag flag, string value, bool replaceDefault)
    {
        if (replaceDefault) options.ListenAddresses.Clear();
        foreach (var address in value.Split(','))
        {
            if (address.Length == 0 || address.Any(char.IsWhiteSpace))
                throw FlagValues.Invalid(flag, value, "a comma-separated list of addresses without spaces or empty entries");
            if (address == ServerOptions.NoTlsPrefix)
                throw FlagValues.Invalid(flag, value, "an address after notls:, like notls:127.0.0.1:11212");

            // memcached skips an address given twice; so does Hoard, rather than fail to bind it twice.
            if (!options.ListenAddresses.Contains(address)) options.ListenAddresses.Add(address);
        }
    }

    private static int Verbosity(ServerFlag flag, int current, string? value)
    {
        const int Max = 3;
        if (value is null) return Math.Min(current + 1, Max);

        // memcached ignores a value after --verbose=; Hoard reads it as the level instead of dropping it silently.
        if (FlagValues.TryDigits(value, out var level) && level <= Max) return (int)level;
        throw FlagValues.Invalid(flag, value, "a verbosity level from 0 to 3");
    }

    private static ProtocolMode ParseProtocol(ServerFlag flag, string value) => value switch
    {
        "auto" => ProtocolMode.Auto,
        "ascii" => ProtocolMode.Ascii,
        "binary" => ProtocolMode.Binary,
        _ => throw FlagValues.Invalid(flag, value, "one of auto, binary, or ascii"),
    };

    private static string NonEmpty(ServerFlag flag, string value, string expected) =>
        value.Length > 0 ? value : throw FlagValues.Invalid(flag, value, expected);

    // The getopt table guarantees a value for flags that require one.
    private static string Required(string? value) =>
        value ?? throw new InvalidOperationException("getopt returned no value for a flag that requires one");
}
