using System.Globalization;
using Hoard.Cli.Hosting;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli.Tests;

public class HostingTests
{
    [Fact]
    public void Pid_file_holds_this_process_id_and_is_removed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hoard-pid-{Guid.NewGuid():N}");
        var pidFile = PidFile.Write(path);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", File.ReadAllText(path));
        Assert.Null(pidFile.TryRemove());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Pid_file_rewritten_by_another_process_is_left_alone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hoard-pid-{Guid.NewGuid():N}");
        var pidFile = PidFile.Write(path);
        File.WriteAllText(path, "1\n");
        Assert.Null(pidFile.TryRemove());
        Assert.True(File.Exists(path));
        File.Delete(path);
    }

    [Fact]
    public void Root_user_is_found_with_uid_zero()
    {
        var root = UnixUser.Find("root");
        Assert.NotNull(root);
        Assert.Equal(0u, root.UserId);
        Assert.Equal(0u, root.GroupId);
    }

    [Fact]
    public void Nonexistent_user_is_not_found()
    {
        Assert.Null(UnixUser.Find("hoard-no-such-user"));
    }

    [Theory]
    [InlineData(0, LogLevel.Warning)]
    [InlineData(1, LogLevel.Information)]
    [InlineData(2, LogLevel.Debug)]
    [InlineData(3, LogLevel.Trace)]
    public void Verbosity_maps_to_a_log_level(int verbosity, LogLevel level)
    {
        Assert.Equal(level, ConsoleLogging.MinimumLevel(verbosity));
    }
}
