namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// The multi-host test measures timeouts of about a second: it runs on its own, after the classes that run in
/// parallel, so the other tests' processes do not compete for a small machine's cores while it measures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiHostCollection
{
    public const string Name = "multi-host failure";
}
