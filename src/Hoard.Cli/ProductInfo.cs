using System.Reflection;

namespace Hoard.Cli;

/// <summary>Name and version as <c>hoard --version</c> and <c>hoard server -V</c> print them.</summary>
internal static class ProductInfo
{
    public static string Version { get; } = ReadVersion();

    /// <summary>memcached's <c>-V</c> prints <c>memcached 1.6.18</c>; Hoard prints its own name the same way.</summary>
    public static string VersionLine => $"hoard {Version}";

    private static string ReadVersion()
    {
        var informational = typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational)) return typeof(ProductInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        // Drop the "+commit" build metadata the SDK appends.
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? informational[..plus] : informational;
    }
}
