using System.Diagnostics;
using Hoard.Cli.Cluster;

namespace Hoard.Cli.Tests.Cluster;

public sealed class HoardExecutableTests
{
    [Fact]
    public void Hosted_by_something_else_the_children_are_still_hoard()
    {
        // This process is the test host, not hoard: "testhost server ..." would start nothing useful.
        var executable = HoardExecutable.Current();
        var info = new ProcessStartInfo(executable.FileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in executable.LeadingArguments.Append("--version"))
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("0.1.0", output.Trim());
    }
}
