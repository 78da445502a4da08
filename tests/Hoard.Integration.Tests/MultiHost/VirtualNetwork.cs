using System.Globalization;
using System.Net;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// Hosts made of network namespaces on one machine: a hub namespace holds a bridge, and every host is a
/// namespace joined to it by a veth pair, with its own address in 10.251.0.0/24. Nothing is created in the
/// machine's own namespace (the links are made directly inside the namespaces), so the host's network is never
/// touched. Names carry the test process id and a counter, so parallel or leftover runs cannot collide.
/// Disposing deletes every namespace, which also destroys the veth links inside them.
/// </summary>
public sealed class VirtualNetwork : IDisposable
{
    private const string Subnet = "10.251.0";
    private static int _instances;

    private readonly List<string> _namespaces = [];
    private bool _disposed;

    private VirtualNetwork(string prefix)
    {
        Prefix = prefix;
        Hub = prefix + "-hub";
    }

    /// <summary>Start of every namespace name of this network.</summary>
    public string Prefix { get; }

    /// <summary>The namespace holding the bridge <c>br0</c> every host is plugged into.</summary>
    public string Hub { get; }

    public static VirtualNetwork Create()
    {
        int instance = Interlocked.Increment(ref _instances);
        var network = new VirtualNetwork(string.Create(CultureInfo.InvariantCulture, $"hoard-mh-{Environment.ProcessId}-{instance}"));
        try
        {
            network.AddNamespace(network.Hub);
            IpCommand.Run("-n", network.Hub, "link", "add", "br0", "type", "bridge");
            IpCommand.Run("-n", network.Hub, "link", "set", "br0", "up");
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    /// <summary>
    /// Adds a host at 10.251.0.<paramref name="number"/>: its namespace, a veth pair whose hub end is named
    /// <paramref name="name"/> (at most 15 characters, an interface name) and plugged into the bridge, and
    /// its end <c>eth0</c> with the address, both up.
    /// </summary>
    public NetworkHost AddHost(string name, int number)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (name.Length is 0 or > 15)
            throw new ArgumentException("a host name is its hub interface's name: 1-15 characters", nameof(name));
        if (number is < 1 or > 254)
            throw new ArgumentOutOfRangeException(nameof(number), number, "host number must be 1-254");
        var host = new NetworkHost(name, $"{Prefix}-{name}",
            IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{number}")), name);
        AddNamespace(host.Namespace);
        IpCommand.Run("link", "add", host.HubLink, "netns", Hub, "type", "veth", "peer", "name", "eth0", "netns", host.Namespace);
        IpCommand.Run("-n", Hub, "link", "set", host.HubLink, "master", "br0");
        IpCommand.Run("-n", Hub, "link", "set", host.HubLink, "up");
        IpCommand.Run("-n", host.Namespace, "link", "set", "lo", "up");
        IpCommand.Run("-n", host.Namespace, "addr", "add", host.Address + "/24", "dev", "eth0");
        IpCommand.Run("-n", host.Namespace, "link", "set", "eth0", "up");
        return host;
    }

    /// <summary>
    /// Pulls the host's cable: its bridge port goes down, so frames to and from it are dropped without a
    /// trace — peers see no reset and no ICMP, only silence, as when a machine or its switch port dies.
    /// The host's processes keep running.
    /// </summary>
    public void Cut(NetworkHost host) => IpCommand.Run("-n", Hub, "link", "set", host.HubLink, "down");

    /// <summary>Plugs the cable back in.</summary>
    public void Restore(NetworkHost host) => IpCommand.Run("-n", Hub, "link", "set", host.HubLink, "up");

    /// <summary>Deletes every namespace (hosts first, then the hub); the first failure is thrown after trying them all.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Exception? first = null;
        foreach (var name in _namespaces.AsEnumerable().Reverse().ToList())
        {
            try
            {
                IpCommand.Run("netns", "delete", name);
                _namespaces.Remove(name);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                first ??= e;
            }
        }
        if (first is not null)
            throw new InvalidOperationException("could not delete every namespace of the test network", first);
    }

    private void AddNamespace(string name)
    {
        IpCommand.Run("netns", "add", name);
        _namespaces.Add(name);
    }
}
