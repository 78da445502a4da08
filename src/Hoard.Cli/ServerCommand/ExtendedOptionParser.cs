using System.Globalization;
using Hoard.Cli.Getopt;
using Hoard.Server;

namespace Hoard.Cli.ServerCommand;

/// <summary>Reads <c>-o name[=value],name...</c>, memcached's getsubopt list.</summary>
internal static class ExtendedOptionParser
{
    public static void Apply(string list, ServerOptions options, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(warnings);

        foreach (var item in list.Split(','))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals >= 0 ? item[..equals] : item;
            var value = equals >= 0 ? item[(equals + 1)..] : null;

            var option = ExtendedOptions.Find(name)
                ?? throw new CommandLineUsageException($"unknown option '{name}' in -o/--extended (see hoard server -h for the list)");
            if (option.NeedsValue && string.IsNullOrEmpty(value))
                throw new CommandLineUsageException($"-o {name} needs a value: -o {name}=VALUE");

            if (option.Support == FlagSupport.Ignored)
            {
                warnings.Add($"warning: -o {name} ignored: {option.Note}");
                continue;
            }

            switch (name)
            {
                case ExtendedOptions.IdleTimeout:
                    options.IdleTimeout = ParseIdleTimeout(value!);
                    break;
                case ExtendedOptions.LenientKeys:
                    options.LenientKeys = true;
                    break;
                case ExtendedOptions.Transport:
                    options.Transport = value switch
                    {
                        "auto" => TransportKind.Auto,
                        "epoll" => TransportKind.Epoll,
                        "sockets" => TransportKind.Sockets,
                        _ => throw new CommandLineUsageException($"invalid value '{value}' for -o {ExtendedOptions.Transport}: expected auto, epoll or sockets"),
                    };
                    break;
                case ExtendedOptions.SaslPasswordFile:
                    options.SaslPasswordFile = value;
                    break;
                default:
                    throw new InvalidOperationException($"-o {name} is marked implemented but has no handler");
            }
        }
    }

    private static TimeSpan ParseIdleTimeout(string value)
    {
        // Seconds, as memcached takes them; the cap keeps TimeSpan and timers in range (about 68 years).
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= int.MaxValue)
            return TimeSpan.FromSeconds(seconds);
        throw new CommandLineUsageException(
            $"invalid value '{value}' for -o {ExtendedOptions.IdleTimeout}: expected whole seconds (0 = never time out)");
    }
}
