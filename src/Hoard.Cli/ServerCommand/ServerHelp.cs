using Hoard.Cli.Getopt;

namespace Hoard.Cli.ServerCommand;

/// <summary><c>hoard server -h</c>: memcached's help layout, written from the flag tables.</summary>
internal static class ServerHelp
{
    private const int Column = 30;

    public static void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"{ProductInfo.VersionLine} - a memcached 1.6 compatible cache server");
        output.WriteLine("usage: hoard server [flags]   (memcached's flags; * = accepted but no effect in Hoard, ! = refused)");
        foreach (var flag in ServerFlags.All)
        {
            var left = Spelling(flag);
            var marker = flag.Support switch
            {
                FlagSupport.Ignored => "* ",
                FlagSupport.Refused => "! ",
                _ => string.Empty,
            };
            output.WriteLine(left.Length < Column - 1
                ? $"{left.PadRight(Column)}{marker}{flag.Description}"
                : $"{left}\n{new string(' ', Column)}{marker}{flag.Description}");
        }

        output.WriteLine();
        output.WriteLine("-o, --extended options, comma separated (name or name=value):");
        output.WriteLine($"   - {ExtendedOptions.IdleTimeout}:".PadRight(Column) + "close connections idle this many seconds (default: 0, never)");
        output.WriteLine($"   - {ExtendedOptions.LenientKeys}:".PadRight(Column) + "accept control characters in keys, as memcached does (memcaslap needs it)");
        output.WriteLine($"   - {ExtendedOptions.Transport}:".PadRight(Column) + "auto (default), epoll (Linux x86-64 worker threads) or sockets (.NET async sockets)");
        output.WriteLine($"   - {ExtendedOptions.UdpMaxReplyBytes}:".PadRight(Column) + "most reply bytes per UDP request (default: 64k); bounds reflection attacks");
        output.WriteLine($"   - {ExtendedOptions.TlsChainCertificate}:".PadRight(Column) + "certificate chain file in PEM format (with -Z)");
        output.WriteLine($"   - {ExtendedOptions.TlsKey}:".PadRight(Column) + "private key in PEM format, if not part of ssl_chain_cert");
        output.WriteLine($"   - {ExtendedOptions.TlsCaCertificate}:".PadRight(Column) + "PEM file of the CAs client certificates must chain to");
        output.WriteLine($"   - {ExtendedOptions.TlsVerifyMode}:".PadRight(Column) + "client certificates: 0 none (default), 1 request, 2 require, 3 once (= require)");
        output.WriteLine($"   - {ExtendedOptions.TlsMinimumVersion}:".PadRight(Column) + "oldest TLS version accepted: tlsv1.2 (default) or tlsv1.3");
        output.WriteLine("   accepted with a warning, no effect in Hoard:");
        var names = ExtendedOptions.All.Where(o => o.Support != FlagSupport.Implemented).Select(o => o.Name).ToList();
        for (var i = 0; i < names.Count; i += 4)
            output.WriteLine("     " + string.Join(", ", names.Skip(i).Take(4)));
        output.WriteLine();
        output.WriteLine("environment: MEMCACHED_PORT_FILENAME=FILE writes the bound ports (TCP INET: <port>) to FILE.");
        output.WriteLine("See docs/configuration.md for every flag.");
    }

    private static string Spelling(ServerFlag flag)
    {
        var option = flag.Option;
        var shortPart = option.ShortName is { } s ? $"-{s}" : string.Empty;
        if (option.LongName is null) return flag.ValueName is null ? shortPart : $"{shortPart} <{flag.ValueName}>";

        var value = option.Argument switch
        {
            GetoptArgument.Required => $"=<{flag.ValueName}>",
            GetoptArgument.Optional when flag.ValueName is not null => $"[=<{flag.ValueName}>]",
            _ => string.Empty,
        };
        return $"{shortPart}, --{option.LongName}{value}";
    }
}
