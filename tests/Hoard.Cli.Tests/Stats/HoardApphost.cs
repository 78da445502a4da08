namespace Hoard.Cli.Tests.Stats;

public static class HoardApphost
{
    /// <summary>The hoard apphost built with this test project (HOARD_BIN overrides it).</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("HOARD_BIN") is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "hoard");
}
