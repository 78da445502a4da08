namespace Hoard.Client.Distribution;

/// <summary>Checks shared by every locator: a server list is non-empty and names each server once.</summary>
internal static class NodeList
{
    public static ServerEndPoint[] Validate(IEnumerable<ServerEndPoint> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var array = nodes.ToArray();
        if (array.Length == 0)
            throw new ArgumentException("At least one server is required.", nameof(nodes));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in array)
        {
            if (node is null)
                throw new ArgumentException("The server list contains null.", nameof(nodes));
            // A server listed twice is a configuration mistake; use its weight to give it a larger share.
            if (!seen.Add(node.HostPort))
                throw new ArgumentException($"Server {node.HostPort} is listed more than once.", nameof(nodes));
        }
        return array;
    }
}
