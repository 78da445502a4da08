namespace Hoard.Cli.ServerCommand;

/// <summary>One name accepted by memcached 1.6.18's <c>-o</c>.</summary>
/// <param name="Name">As written on the command line (<c>idle_timeout</c>).</param>
/// <param name="NeedsValue">memcached refuses the name without <c>=value</c>.</param>
/// <param name="Support">Whether Hoard implements it.</param>
/// <param name="Note">Why it does not apply to Hoard; null when implemented.</param>
internal sealed record ExtendedOption(string Name, bool NeedsValue, FlagSupport Support, string? Note);
