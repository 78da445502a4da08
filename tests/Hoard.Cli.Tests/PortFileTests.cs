using System.Net;
using Hoard.Cli.Hosting;

namespace Hoard.Cli.Tests;

public sealed class PortFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-portfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Format_writes_memcached_lines_tcp_before_udp()
    {
        var text = PortFile.Format(
            [new IPEndPoint(IPAddress.Loopback, 12345), new IPEndPoint(IPAddress.IPv6Loopback, 12346)],
            [new IPEndPoint(IPAddress.Loopback, 12347)]);
        Assert.Equal("TCP INET: 12345\nTCP INET6: 12346\nUDP INET: 12347\n", text);
    }

    [Fact]
    public void Ipv4_mapped_address_of_a_dual_mode_socket_is_written_as_inet()
    {
        var mapped = new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 4000);
        Assert.Equal("TCP INET: 4000\n", PortFile.Format([mapped], []));
    }

    [Fact]
    public void Unix_socket_endpoints_are_left_out()
    {
        var text = PortFile.Format([new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/x.sock")], []);
        Assert.Equal(string.Empty, text);
    }

    [Fact]
    public void Write_creates_the_file_and_leaves_no_lck_behind()
    {
        var path = Path.Combine(_directory, "ports");
        PortFile.Write(path, [new IPEndPoint(IPAddress.Loopback, 5555)], []);
        Assert.Equal("TCP INET: 5555\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".lck"));
    }

    [Fact]
    public void Write_replaces_an_old_file_and_a_stale_lck()
    {
        var path = Path.Combine(_directory, "ports");
        File.WriteAllText(path, "TCP INET: 1\n");
        File.WriteAllText(path + ".lck", "TCP INET: 2\n");
        PortFile.Write(path, [new IPEndPoint(IPAddress.Loopback, 3)], [new IPEndPoint(IPAddress.Loopback, 4)]);
        Assert.Equal("TCP INET: 3\nUDP INET: 4\n", File.ReadAllText(path));
    }

    [Fact]
    public void Environment_variable_name_is_memcacheds()
    {
        Assert.Equal("MEMCACHED_PORT_FILENAME", PortFile.EnvironmentVariable);
    }
}
