namespace Hoard.Cli.Getopt;

/// <summary>Whether an option takes a value, as in getopt_long's <c>has_arg</c>.</summary>
internal enum GetoptArgument
{
    None,
    Required,

    /// <summary>
    /// The long form takes a value only after <c>=</c> (<c>--verbose=2</c>), never as the next word; the short
    /// form is a plain switch, so <c>-vv</c> is two of them, as memcached's getopt string has it.
    /// </summary>
    Optional,
}

/// <summary>One option a <see cref="GetoptParser"/> recognises: a short letter, a long name, or both.</summary>
internal sealed record GetoptOption(char? ShortName, string? LongName, GetoptArgument Argument)
{
    /// <summary>How error messages name the option: <c>-p/--port</c>.</summary>
    public string DisplayName => (ShortName, LongName) switch
    {
        ({ } s, { } l) => $"-{s}/--{l}",
        ({ } s, null) => $"-{s}",
        (null, { } l) => $"--{l}",
        _ => "?",
    };
}

/// <summary>One option found on the command line, with its value when it has one.</summary>
/// <param name="Option">The option recognised.</param>
/// <param name="Value">Its value, or null when none was given.</param>
/// <param name="Spelling">How the user wrote the option (<c>-p</c>, <c>--port</c>, <c>--po</c>), for messages.</param>
internal readonly record struct GetoptMatch(GetoptOption Option, string? Value, string Spelling);
