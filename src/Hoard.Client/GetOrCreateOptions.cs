namespace Hoard.Client;

/// <summary>How <see cref="HoardClient.GetOrCreateAsync{T}"/> shares the work of refilling a key.</summary>
public sealed record GetOrCreateOptions
{
    public static GetOrCreateOptions Default { get; } = new();

    /// <summary>
    /// How long the caller that won the right to recompute may take before the others stop waiting and
    /// compute themselves (and how long the server keeps the placeholder).
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When set, an item with less than this left to live is refreshed early by one caller while everyone
    /// is still served the current value, so a hot key never expires under load.
    /// </summary>
    public TimeSpan? RecacheBefore { get; init; }

    /// <summary>Longest pause between looks while another caller computes.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}
