using System.Net;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// One simulated machine: a network namespace with one interface (<c>eth0</c>, at <see cref="Address"/>) whose
/// other end, <see cref="HubLink"/>, is a port of the bridge in the hub namespace.
/// </summary>
public sealed record NetworkHost(string Name, string Namespace, IPAddress Address, string HubLink)
{
    public override string ToString() => $"{Name} ({Address}, namespace {Namespace})";
}
