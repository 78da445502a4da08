using Hoard.Cli.Cluster;

namespace Hoard.Cli.Tests.Cluster;

public sealed class ExitStatusTests
{
    [Theory]
    [InlineData(0, "exit 0")]
    [InlineData(71, "exit 71")]
    [InlineData(137, "exit 137, SIGKILL")]
    [InlineData(143, "exit 143, SIGTERM")]
    [InlineData(134, "exit 134, SIGABRT")]
    [InlineData(128 + 40, "exit 168, signal 40")]
    public void Exit_codes_of_signalled_children_name_the_signal(int code, string text) => Assert.Equal(text, ExitStatus.Describe(code));
}
