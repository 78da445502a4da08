using System.Runtime.InteropServices;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// A fact that builds hosts out of network namespaces: it needs root (creating namespaces and veth links) and
/// iproute2's <c>ip</c>. Elsewhere the test is reported as skipped with the reason (xunit 2 decides skips when
/// tests are discovered, so the attribute checks then).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed partial class RootFactAttribute : FactAttribute
{
    private static readonly string[] IpLocations = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

    public RootFactAttribute()
    {
        if (WhyNot() is { } reason)
            Skip = reason;
    }

    /// <summary>iproute2's <c>ip</c>, or null when it is not installed.</summary>
    public static string? Ip { get; } = IpLocations.FirstOrDefault(File.Exists);

    private static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces are a Linux feature; this test builds hosts out of them";
        if (GetEffectiveUserId() != 0)
            return "needs root to create network namespaces and veth links (CI runs it as root)";
        if (Ip is null)
            return "iproute2's ip is not installed (apt-get install iproute2)";
        if (!HasCapabilities(CapNetAdmin, CapSysAdmin))
            return "root here lacks CAP_NET_ADMIN or CAP_SYS_ADMIN (a restricted container): network namespaces cannot be made";
        return null;
    }

    private const int CapNetAdmin = 12;
    private const int CapSysAdmin = 21;

    /// <summary>Reads the effective capability mask of this process (<c>CapEff</c> in /proc/self/status).</summary>
    private static bool HasCapabilities(params int[] capabilities)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        if (line is null || !ulong.TryParse(line.AsSpan("CapEff:".Length).Trim(), System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture, out var mask))
            return false;
        return capabilities.All(c => (mask & (1UL << c)) != 0);
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
