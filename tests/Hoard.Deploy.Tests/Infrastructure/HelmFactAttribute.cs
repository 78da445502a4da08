namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// A fact that needs the <c>helm</c> program: when it is not on PATH the test is reported as skipped with that
/// reason (xunit 2 decides skips when tests are discovered, so the attribute looks for helm then).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute()
    {
        if (Helm is null)
            Skip = "helm is not on PATH: the chart is not rendered here; its values, schema and template references are checked by the other Helm tests";
    }

    /// <summary>The helm program, or null.</summary>
    public static string? Helm { get; } = FindOnPath("helm");

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
