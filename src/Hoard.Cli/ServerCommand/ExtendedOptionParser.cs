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
                case ExtendedOptions.UdpMaxReplyBytes:
                    options.UdpMaxReplyBytes = ParseUdpMaxReplyBytes(value!);
                    break;
                case ExtendedOptions.TlsChainCertificate:
                    options.TlsCertificateChainFile = value;
                    break;
                case ExtendedOptions.TlsKey:
                    options.TlsKeyFile = value;
                    break;
                case ExtendedOptions.TlsCaCertificate:
                    options.TlsCaCertificateFile = value;
                    break;
                case ExtendedOptions.TlsVerifyMode:
                    options.TlsVerifyMode = ParseVerifyMode(value!);
                    break;
                case ExtendedOptions.TlsMinimumVersion:
                    options.TlsMinimumVersion = ParseMinimumVersion(value!, warnings);
                    break;
                default:
                    throw new InvalidOperationException($"-o {name} is marked implemented but has no handler");
            }
        }
    }

    /// <summary>memcached's numbers 0-3, or their names; 3 ("once") is memcached's require that skips renegotiations, which Hoard never allows anyway.</summary>
    private static TlsVerifyMode ParseVerifyMode(string value) => value switch
    {
        "0" or "none" => TlsVerifyMode.None,
        "1" or "request" => TlsVerifyMode.Request,
        "2" or "require" or "3" or "once" => TlsVerifyMode.Require,
        _ => throw new CommandLineUsageException(
            $"invalid value '{value}' for -o {ExtendedOptions.TlsVerifyMode}: expected 0 (none), 1 (request), 2 (require) or 3 (once, the same as require)"),
    };

    private static TlsMinimumVersion ParseMinimumVersion(string value, IList<string> warnings)
    {
        switch (value)
        {
            case "2" or "tlsv1.2":
                return TlsMinimumVersion.Tls12;
            case "3" or "tlsv1.3":
                return TlsMinimumVersion.Tls13;
            case "0" or "tlsv1.0" or "1" or "tlsv1.1":
                // Allowing older versions only widens what memcached would accept; Hoard stays stricter, never weaker.
                warnings.Add($"warning: -o {ExtendedOptions.TlsMinimumVersion}={value} raised to tlsv1.2: Hoard never offers TLS 1.0 or 1.1");
                return TlsMinimumVersion.Tls12;
            default:
                throw new CommandLineUsageException(
                    $"invalid value '{value}' for -o {ExtendedOptions.TlsMinimumVersion}: expected tlsv1.2 or tlsv1.3 (or memcached's numbers 2 and 3)");
        }
    }

    /// <summary>Bytes, or with a k or m suffix as -I takes them; the range is checked with the other options.</summary>
    private static int ParseUdpMaxReplyBytes(string value)
    {
        long multiplier = value.EndsWith('k') || value.EndsWith('K') ? 1024 : value.EndsWith('m') || value.EndsWith('M') ? 1024 * 1024 : 1;
        var digits = multiplier == 1 ? value : value[..^1];
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= int.MaxValue / multiplier)
            return (int)(number * multiplier);
        throw new CommandLineUsageException(
            $"invalid value '{value}' for -o {ExtendedOptions.UdpMaxReplyBytes}: expected a size in bytes, optionally with a k or m suffix");
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
