using Hoard.Cli.Getopt;

namespace Hoard.Cli.ServerCommand;

/// <summary>One memcached 1.6.18 command-line flag as <c>hoard server</c> understands it.</summary>
/// <param name="Option">Its short and long spellings and whether it takes a value.</param>
/// <param name="ValueName">How help shows its value (<c>num</c>, <c>file</c>), or null for a switch.</param>
/// <param name="Description">memcached's meaning, with Hoard's default.</param>
/// <param name="Support">Whether Hoard implements it.</param>
/// <param name="Note">Why it is ignored or refused; null when implemented.</param>
internal sealed record ServerFlag(GetoptOption Option, string? ValueName, string Description, FlagSupport Support, string? Note = null)
{
    public char Letter => Option.ShortName ?? throw new InvalidOperationException("every memcached flag has a letter");

    public string DisplayName => Option.DisplayName;
}
