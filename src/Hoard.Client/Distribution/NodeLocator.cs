namespace Hoard.Client.Distribution;

/// <summary>Builds the locator for a scheme by name, as configuration and <c>hoard locate</c> choose it.</summary>
public static class NodeLocator
{
    /// <summary>A locator for <paramref name="distribution"/> over <paramref name="nodes"/>.</summary>
    /// <param name="distribution">The scheme.</param>
    /// <param name="nodes">The servers, in configuration order.</param>
    /// <param name="flavor">Which ketama; must be left null for the other schemes, which have no flavours.</param>
    public static INodeLocator Create(KeyDistribution distribution, IEnumerable<ServerEndPoint> nodes, KetamaFlavor? flavor = null)
    {
        if (flavor is not null && distribution != KeyDistribution.Ketama)
            throw new ArgumentException($"A ketama flavour does not apply to the {distribution} distribution.", nameof(flavor));
        return distribution switch
        {
            KeyDistribution.Ketama => new KetamaLocator(nodes, flavor ?? KetamaFlavor.Libketama),
            KeyDistribution.Modula => new ModulaLocator(nodes),
            KeyDistribution.Rendezvous => new RendezvousLocator(nodes),
            _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "unknown distribution"),
        };
    }
}
