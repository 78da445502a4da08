using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary>Starting, reporting the port, and stopping: signals, <c>shutdown</c> (-A) and <c>flush_all</c> refusal (-F).</summary>
public sealed class ProcessLifecycleTests
{
    [Fact]
    public void Ephemeral_port_is_written_to_MEMCACHED_PORT_FILENAME()
    {
        using var server = ServerProcess.Start();
        var lines = File.ReadAllLines(server.PortFile);
        Assert.Contains($"TCP INET: {server.Port.ToString(CultureInfo.InvariantCulture)}", lines);
        Assert.NotEqual(11211, server.Port);
        using var client = server.Connect();
        Assert.StartsWith("VERSION ", client.Call("version"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServerProcess.SigTerm)]
    [InlineData(ServerProcess.SigInt)]
    public void Signal_stops_the_server_with_exit_code_0(int signal)
    {
        using var server = ServerProcess.Start();
        using (var client = server.Connect())
            Assert.Equal("STORED", client.Set("k", "v"));
        using var idle = server.Connect(); // an open connection must not keep it alive
        server.Signal(signal);
        var exitCode = server.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.True(exitCode is not null, $"still running 10s after signal {signal}\n{server.Describe()}");
        Assert.True(exitCode == 0, $"exit code {exitCode} after signal {signal}\n{server.Describe()}");
    }

    [Fact]
    public void Shutdown_command_is_refused_without_A()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        AssertExchange(client, "shutdown\r\n", "ERROR: shutdown not enabled\r\n");
        AssertStillServes(client);
        Assert.False(server.HasExited);
    }

    [Fact]
    public void Shutdown_command_with_A_closes_the_connection_and_exits_0()
    {
        using var server = ServerProcess.Start("-A");
        using var client = server.Connect();
        client.Send("shutdown\r\n");
        Assert.True(client.WaitForClose(TimeSpan.FromSeconds(10)), "connection not closed after shutdown");
        var exitCode = server.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.True(exitCode == 0, $"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"} after shutdown\n{server.Describe()}");
    }

    [Fact]
    public void Flush_all_is_refused_with_F()
    {
        using var server = ServerProcess.Start("-F");
        using var client = server.Connect();
        AssertExchange(client, "set k 0 0 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "flush_all\r\n", "CLIENT_ERROR flush_all not allowed\r\n");
        AssertExchange(client, "flush_all 10\r\n", "CLIENT_ERROR flush_all not allowed\r\n");
        client.Send("flush_all noreply\r\n");
        AssertExchange(client, "get k\r\n", "VALUE k 0 1\r\nv\r\nEND\r\n");
    }
}
