using Hoard.Cli.Tests.Stats;

namespace Hoard.Cli.Tests.Cluster;

/// <summary>
/// A test that needs <c>hoard router</c>: skipped while that command does not exist yet, i.e. while
/// <c>hoard router --help</c> fails or prints no usage of its own (an unknown command makes hoard print the
/// root help instead).
/// </summary>
public sealed class RouterFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> RouterExists = new(Probe);

    public RouterFactAttribute()
    {
        if (!RouterExists.Value)
            Skip = "hoard router not yet built";
    }

    private static bool Probe()
    {
        try
        {
            using var process = TestProcess.Start(TestProcess.HoardExecutable, ["router", "--help"]);
            var exit = process.WaitForExit(TimeSpan.FromSeconds(30));
            return exit == 0 && process.Output.Contains("hoard router", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
