using System.Globalization;
using System.Net;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// The IPv4 TCP sockets of a network namespace, read from <c>/proc/PID/net/tcp</c> of a process inside it (the
/// file shows the reading process's namespace otherwise). Cheap enough to poll every few milliseconds, which
/// spawning <c>ip netns exec ... ss</c> is not on a loaded machine.
/// </summary>
internal static class TcpSocketTable
{
    /// <summary>The kernel's state numbers (include/net/tcp_states.h) the tests look for.</summary>
    public const int Established = 0x01;
    public const int SynSent = 0x02;
    public const int Listen = 0x0A;

    public sealed record Entry(IPEndPoint Local, IPEndPoint Remote, int State);

    /// <summary>Every socket in the namespace of process <paramref name="pid"/>; empty once the process is gone.</summary>
    public static IReadOnlyList<Entry> Read(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/net/tcp"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return Parse(lines);
    }

    /// <summary>Parses the file's lines: a header line, then one socket per line.</summary>
    internal static IReadOnlyList<Entry> Parse(IReadOnlyList<string> lines)
    {
        var entries = new List<Entry>(lines.Count);
        foreach (var line in lines.Skip(1))
        {
            // "  0: 0100007F:2BCB 0B00FB0A:D3A2 01 ..." — sl, local, remote, state.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4)
                continue;
            if (!int.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int state))
                throw new FormatException($"not a state of /proc/net/tcp: '{fields[3]}' in '{line}'");
            entries.Add(new Entry(ParseEndPoint(fields[1]), ParseEndPoint(fields[2]), state));
        }
        return entries;
    }

    /// <summary>Connections established or being opened to <paramref name="remote"/>: the ones a client sends requests on.</summary>
    public static int OpenTo(int pid, IPEndPoint remote) =>
        Read(pid).Count(e => e.Remote.Equals(remote) && e.State is Established or SynSent);

    public static bool IsListening(int pid, IPEndPoint local) =>
        Read(pid).Any(e => e.State == Listen && e.Local.Equals(local));

    /// <summary>Parses <c>0B00FB0A:2BCB</c>: the address as the kernel's 32-bit word in host byte order, then the port.</summary>
    internal static IPEndPoint ParseEndPoint(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon != 8 || text.Length == 9
            || !uint.TryParse(text.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint word)
            || !ushort.TryParse(text.AsSpan(9), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort port))
            throw new FormatException($"not an IPv4 endpoint of /proc/net/tcp (8 hex digits, ':', 4 hex digits): '{text}'");
        // The kernel prints the network-order word as a native integer: its native bytes are the address.
        var bytes = BitConverter.GetBytes(word);
        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
