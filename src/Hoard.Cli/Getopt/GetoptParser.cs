namespace Hoard.Cli.Getopt;

/// <summary>
/// A getopt_long-style option scanner, written because <c>hoard server</c> takes memcached's flags and
/// System.CommandLine cannot read them the way getopt does: it does not split a glued value from a short
/// flag (<c>-p11211</c>), bundles only known flags and reads <c>-vv</c> as one token, and has no
/// unambiguous-prefix matching of long names (<c>--por=11211</c>). Scripts written for memcached depend on
/// all three.
/// </summary>
/// <remarks>
/// Behaviour follows glibc's getopt_long with POSIXLY_CORRECT-free defaults, except that a word that is
/// not an option is an error (memcached takes no operands, and silently ignoring one hides typos).
/// Matches are produced lazily, in command-line order, so a caller can stop at <c>-h</c> the way memcached
/// does, and an error is raised only when the scan reaches it.
/// </remarks>
internal static class GetoptParser
{
    public static IEnumerable<GetoptMatch> Parse(IReadOnlyList<string> args, IReadOnlyList<GetoptOption> options)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(options);
        return ParseIterator(args, options);
    }

    private static IEnumerable<GetoptMatch> ParseIterator(IReadOnlyList<string> args, IReadOnlyList<GetoptOption> options)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                if (i + 1 < args.Count) throw UnexpectedOperand(args[i + 1]);
                yield break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                yield return ParseLong(args, ref i, options);
                continue;
            }

            if (arg.Length < 2 || arg[0] != '-') throw UnexpectedOperand(arg);

            // A bundle of short options: -vvd, -p11211, -vp 11211.
            for (var j = 1; j < arg.Length; j++)
            {
                var letter = arg[j];
                var option = FindShort(options, letter)
                    ?? throw new CommandLineUsageException($"invalid option -- '{letter}'");
                var spelling = "-" + letter;
                // An optional value belongs to the long form only: memcached's -v is a plain switch ("-vv" is
                // two of them) while --verbose takes an optional =value.
                if (option.Argument != GetoptArgument.Required)
                {
                    yield return new GetoptMatch(option, null, spelling);
                    continue;
                }

                var glued = j + 1 < arg.Length ? arg[(j + 1)..] : null;
                if (glued is not null)
                {
                    yield return new GetoptMatch(option, glued, spelling);
                }
                else if (i + 1 < args.Count)
                {
                    // getopt takes the next word whatever it looks like, so "-m -5" gives -m the value "-5".
                    yield return new GetoptMatch(option, args[++i], spelling);
                }
                else
                {
                    throw new CommandLineUsageException($"option requires an argument -- '{letter}'");
                }

                break;
            }
        }
    }

    private static GetoptMatch ParseLong(IReadOnlyList<string> args, ref int i, IReadOnlyList<GetoptOption> options)
    {
        var body = args[i][2..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        var name = equals >= 0 ? body[..equals] : body;
        var inlineValue = equals >= 0 ? body[(equals + 1)..] : null;
        var option = FindLong(options, name, args[i]);
        var spelling = "--" + option.LongName;

        switch (option.Argument)
        {
            case GetoptArgument.None when inlineValue is not null:
                throw new CommandLineUsageException($"option '{spelling}' doesn't allow an argument");
            case GetoptArgument.None:
            case GetoptArgument.Optional:
                return new GetoptMatch(option, inlineValue, spelling);
            default:
                if (inlineValue is not null) return new GetoptMatch(option, inlineValue, spelling);
                if (i + 1 < args.Count) return new GetoptMatch(option, args[++i], spelling);
                throw new CommandLineUsageException($"option '{spelling}' requires an argument");
        }
    }

    private static GetoptOption? FindShort(IReadOnlyList<GetoptOption> options, char letter)
    {
        foreach (var option in options)
        {
            if (option.ShortName == letter) return option;
        }

        return null;
    }

    private static GetoptOption FindLong(IReadOnlyList<GetoptOption> options, string name, string written)
    {
        var prefixMatches = new List<GetoptOption>();
        foreach (var option in options)
        {
            if (option.LongName is null) continue;
            if (option.LongName == name) return option;
            if (name.Length > 0 && option.LongName.StartsWith(name, StringComparison.Ordinal)) prefixMatches.Add(option);
        }

        var shown = written.Split('=')[0];
        return prefixMatches.Count switch
        {
            1 => prefixMatches[0],
            0 => throw new CommandLineUsageException($"unrecognized option '{shown}'"),
            _ => throw new CommandLineUsageException(
                $"option '{shown}' is ambiguous; possibilities: {string.Join(' ', prefixMatches.Select(o => $"'--{o.LongName}'"))}"),
        };
    }

    private static CommandLineUsageException UnexpectedOperand(string arg) =>
        new($"unexpected argument '{arg}' (hoard server takes only options)");
}
