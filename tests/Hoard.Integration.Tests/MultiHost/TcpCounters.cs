using System.Globalization;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// A network namespace's TCP counters (the <c>Tcp:</c> lines of <c>/proc/net/snmp</c>, RFC 4022's MIB):
/// <see cref="ActiveOpens"/> counts connect attempts, <see cref="AttemptFails"/> the ones that failed — refused,
/// timed out or abandoned. A client that keeps trying a lost server shows up here even when each attempt is
/// too brief to be seen in the socket table.
/// </summary>
public sealed record TcpCounters(long ActiveOpens, long AttemptFails)
{
    /// <summary>The counters of <paramref name="host"/>'s namespace, read from a thread inside it.</summary>
    public static TcpCounters Of(NetworkHost host) =>
        // /proc/thread-self/net shows the namespace of the reading thread, /proc/self/net the main thread's.
        NetworkNamespace.RunInside(host.Namespace, () => Parse(File.ReadAllLines("/proc/thread-self/net/snmp")));

    /// <summary>Parses the file: a <c>Tcp:</c> line of names followed by a <c>Tcp:</c> line of values.</summary>
    public static TcpCounters Parse(IReadOnlyList<string> lines)
    {
        var tcp = lines.Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToList();
        if (tcp.Count != 2)
            throw new FormatException($"expected a Tcp: line of names and one of values in /proc/net/snmp, found {tcp.Count} Tcp: lines");
        var names = tcp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = tcp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (names.Length != values.Length)
            throw new FormatException($"the Tcp: lines of /proc/net/snmp differ in length: '{tcp[0]}' / '{tcp[1]}'");
        long Counter(string name)
        {
            int index = Array.IndexOf(names, name);
            if (index < 0)
                throw new FormatException($"/proc/net/snmp has no Tcp: {name}: '{tcp[0]}'");
            return long.TryParse(values[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"Tcp: {name} of /proc/net/snmp is not a count: '{values[index]}'");
        }
        return new TcpCounters(Counter("ActiveOpens"), Counter("AttemptFails"));
    }
}
