using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Hoard.Client.Distribution;

namespace Hoard.Client.Discovery;

/// <summary>
/// One reply to <c>config get cluster</c> (ElastiCache for Memcached 1.4.14+ and Memorystore for Memcached
/// auto discovery): a version number and the cluster's nodes. On the wire it is framed like a memcached value:
/// <c>CONFIG cluster FLAGS BYTES\r\n</c>, BYTES of data, <c>\r\nEND\r\n</c>; the data is the version on one line
/// and the nodes on the next, separated by spaces, each <c>hostname|ip-address|port</c>.
/// </summary>
public sealed record ClusterConfig(long Version, IReadOnlyList<ClusterConfigNode> Nodes)
{
    /// <summary>Largest configuration accepted; a real one is a few kilobytes even for a large cluster.</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>
    /// Whether <paramref name="reply"/> holds a complete reply: 0 when more bytes are needed, else its length.
    /// A reply that can never become valid (an error line, a bad header) counts as complete so the caller
    /// stops reading and <see cref="TryParse"/> explains what is wrong.
    /// </summary>
    internal static int CompleteLength(ReadOnlySpan<byte> reply)
    {
        var lineEnd = reply.IndexOf("\r\n"u8);
        if (lineEnd < 0)
            return reply.Length > 1024 ? reply.Length : 0; // no header line in 1 KiB: garbage
        if (!TryParseHeader(reply[..lineEnd], out var length, out _))
            return lineEnd + 2;
        var total = lineEnd + 2 + length + "\r\nEND\r\n"u8.Length;
        return reply.Length >= total ? total : 0;
    }

    /// <summary>Parses a whole reply (header, data, <c>END</c>); on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(ReadOnlySpan<byte> reply, [NotNullWhen(true)] out ClusterConfig? config, [NotNullWhen(false)] out string? error)
    {
        config = null;
        var lineEnd = reply.IndexOf("\r\n"u8);
        if (lineEnd < 0)
            return Fail("reply has no complete first line", out error);
        if (!TryParseHeader(reply[..lineEnd], out var length, out error))
            return false;
        var data = reply[(lineEnd + 2)..];
        if (data.Length < length + "\r\nEND\r\n"u8.Length)
            return Fail(string.Create(CultureInfo.InvariantCulture, $"reply is cut short: {data.Length} bytes after the header, {length} announced"), out error);
        if (!data[length..].SequenceEqual("\r\nEND\r\n"u8))
            return Fail("announced length does not end at '\\r\\nEND\\r\\n'", out error);
        return TryParseData(data[..length], out config, out error);
    }

    /// <summary>The data block: <c>VERSION\nNODE NODE ...\n</c>.</summary>
    internal static bool TryParseData(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ClusterConfig? config, [NotNullWhen(false)] out string? error)
    {
        config = null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return Fail("configuration is not text", out error);
        }
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 1)
            return Fail("configuration lists no nodes", out error);
        if (lines.Length != 2)
            return Fail(string.Create(CultureInfo.InvariantCulture, $"expected a version line and a node line, found {lines.Length} lines"), out error);
        if (!long.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return Fail($"version '{Clip(lines[0])}' is not a number", out error);
        var nodes = new List<ClusterConfigNode>();
        foreach (var entry in lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ClusterConfigNode.TryParse(entry, out var node, out error))
                return false;
            nodes.Add(node);
        }
        if (nodes.Count == 0)
            return Fail("configuration lists no nodes", out error);
        config = new ClusterConfig(version, nodes);
        error = null;
        return true;
    }

    private static bool TryParseHeader(ReadOnlySpan<byte> line, out int length, [NotNullWhen(false)] out string? error)
    {
        length = 0;
        var text = Encoding.ASCII.GetString(line);
        // An engine without auto discovery answers ERROR; a broken one CLIENT_ERROR / SERVER_ERROR.
        if (text == "ERROR" || text.StartsWith("CLIENT_ERROR", StringComparison.Ordinal) || text.StartsWith("SERVER_ERROR", StringComparison.Ordinal))
            return Fail($"the endpoint answered '{Clip(text)}' (is it a cluster-configuration endpoint?)", out error);
        var parts = text.Split(' ');
        if (parts.Length != 4 || parts[0] != "CONFIG" || parts[1] != "cluster")
            return Fail($"expected 'CONFIG cluster FLAGS BYTES', got '{Clip(text)}'", out error);
        if (!uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return Fail($"flags '{Clip(parts[2])}' are not a number", out error);
        if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > MaxDataBytes)
            return Fail($"length '{Clip(parts[3])}' is not a number up to {MaxDataBytes}", out error);
        error = null;
        return true;
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static bool Fail(string reason, out string error)
    {
        error = "bad cluster configuration: " + reason;
        return false;
    }
}

/// <summary>One node of a <see cref="ClusterConfig"/>: its DNS name and address (either may be empty, not both) and port.</summary>
public sealed record ClusterConfigNode(string HostName, string IPAddress, int Port)
{
    /// <summary>
    /// The node as a server: by host name (stable across node replacements that keep the name, and the name the
    /// other ElastiCache clients hash), or by address when <paramref name="useIPAddress"/> is set or the name is empty.
    /// </summary>
    public ServerEndPoint ToServerEndPoint(bool useIPAddress) =>
        new((useIPAddress && IPAddress.Length > 0) || HostName.Length == 0 ? IPAddress : HostName, Port);

    internal static bool TryParse(string entry, [NotNullWhen(true)] out ClusterConfigNode? node, [NotNullWhen(false)] out string? error)
    {
        node = null;
        var parts = entry.Split('|');
        if (parts.Length != 3)
            return Fail(entry, "expected hostname|ip-address|port", out error);
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return Fail(entry, $"port '{parts[2]}' is not 1-65535", out error);
        if (parts[0].Length == 0 && parts[1].Length == 0)
            return Fail(entry, "neither a host name nor an address", out error);
        foreach (var host in parts.AsSpan(0, 2))
        {
            // Checked with the server parser so a node that could never be connected to is refused here.
            if (host.Length > 0 && !ServerEndPoint.TryParse(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}", out _, out var problem))
                return Fail(entry, problem, out error);
        }
        node = new ClusterConfigNode(parts[0], parts[1], port);
        error = null;
        return true;
    }

    private static bool Fail(string entry, string reason, out string error)
    {
        error = $"bad cluster configuration: node '{(entry.Length <= 80 ? entry : entry[..80] + "...")}': {reason}";
        return false;
    }
}
