using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Client.Discovery;

namespace Hoard.Client.Tests.Discovery;

/// <summary>
/// A stand-in for an ElastiCache / Memorystore configuration endpoint: answers <c>config get cluster</c> with
/// whatever <see cref="Reply"/> holds, one reply per connection, as the real endpoints are polled.
/// </summary>
internal sealed class FakeConfigEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public FakeConfigEndpoint(string reply)
    {
        Reply = reply;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public volatile string Reply;

    public int Requests => Volatile.Read(ref _requests);

    public string? LastCommand { get; private set; }

    /// <summary>A well-formed reply: memcached value framing around <c>VERSION\nNODES\n</c>.</summary>
    public static string Config(long version, params string[] nodes)
    {
        var data = string.Create(CultureInfo.InvariantCulture, $"{version}\n{string.Join(' ', nodes)}\n");
        return $"CONFIG cluster 0 {Encoding.UTF8.GetByteCount(data)}\r\n{data}\r\nEND\r\n";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            try
            {
                var stream = client.GetStream();
                var line = new StringBuilder();
                var buffer = new byte[1];
                while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, _stop.Token) == 1)
                    line.Append((char)buffer[0]);
                LastCommand = line.ToString();
                Interlocked.Increment(ref _requests);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Reply), _stop.Token);
            }
            catch (IOException)
            {
            }
        }
    }
}

public sealed class ClusterConfigDiscoveryTests
{
    private static readonly string[] ThreeNodes =
    [
        "mycluster.fnjyzo.0001.use1.cache.amazonaws.com|10.82.235.120|11211",
        "mycluster.fnjyzo.0002.use1.cache.amazonaws.com|10.80.249.27|11211",
        "mycluster.fnjyzo.0003.use1.cache.amazonaws.com|10.82.1.5|11211",
    ];

    [Fact]
    public void Parse_reads_version_and_nodes()
    {
        var reply = Encoding.ASCII.GetBytes(FakeConfigEndpoint.Config(12, ThreeNodes));
        Assert.Equal(reply.Length, ClusterConfig.CompleteLength(reply));
        Assert.Equal(0, ClusterConfig.CompleteLength(reply.AsSpan(0, reply.Length - 1)));
        Assert.True(ClusterConfig.TryParse(reply, out var config, out var error), error);
        Assert.Equal(12, config.Version);
        Assert.Equal(3, config.Nodes.Count);
        Assert.Equal(new ClusterConfigNode("mycluster.fnjyzo.0002.use1.cache.amazonaws.com", "10.80.249.27", 11211), config.Nodes[1]);
        Assert.Equal("mycluster.fnjyzo.0001.use1.cache.amazonaws.com:11211", config.Nodes[0].ToServerEndPoint(useIPAddress: false).ToString());
        Assert.Equal("10.82.235.120:11211", config.Nodes[0].ToServerEndPoint(useIPAddress: true).ToString());
        Assert.Equal("10.0.0.9:11211", new ClusterConfigNode("", "10.0.0.9", 11211).ToServerEndPoint(false).ToString());
    }

    public static TheoryData<string, string> Garbage => new()
    {
        { "ERROR\r\n", "answered 'ERROR'" },
        { "SERVER_ERROR out of memory\r\n", "SERVER_ERROR" },
        { "VALUE cluster 0 5\r\nhello\r\nEND\r\n", "expected 'CONFIG cluster" },
        { "CONFIG cluster 0 999\r\n3\nh|10.0.0.1|11211\n\r\nEND\r\n", "cut short" },
        { "CONFIG cluster 0 5\r\n3\nh|10.0.0.1|11211\n\r\nEND\r\n", "does not end" },
        { FakeConfigEndpoint.Config(3, "h|10.0.0.1|70000"), "port '70000'" },
        { FakeConfigEndpoint.Config(3, "h|10.0.0.1"), "hostname|ip-address|port" },
        { FakeConfigEndpoint.Config(3, "||11211"), "neither" },
        { FakeConfigEndpoint.Config(3, "bad host|10.0.0.1|11211"), "hostname|ip-address|port" },
        { FakeConfigEndpoint.Config(3), "no nodes" },
        { "CONFIG cluster 0 16\r\nv3\nh|10.0.0.1|1\n\r\nEND\r\n", "version 'v3'" },
        { "CONFIG cluster 0 x\r\n", "length 'x'" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Parse_refuses_garbage_with_a_reason(string reply, string expected)
    {
        Assert.False(ClusterConfig.TryParse(Encoding.ASCII.GetBytes(reply), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_replaces_the_list_only_for_a_higher_version_and_never_for_garbage()
    {
        await using var endpoint = new FakeConfigEndpoint(FakeConfigEndpoint.Config(5, ThreeNodes));
        await using var discovery = new ClusterConfigDiscovery("127.0.0.1", endpoint.Port, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10));
        var failures = new List<Exception>();
        discovery.LookupFailed += e =>
        {
            lock (failures)
                failures.Add(e);
        };
        await discovery.StartAsync();
        Assert.Equal("config get cluster\r\n", endpoint.LastCommand);
        Assert.Equal(5, discovery.Version);
        Assert.Equal(3, discovery.Current.Count);
        Assert.Equal("mycluster.fnjyzo.0001.use1.cache.amazonaws.com", discovery.Current[0].Host);

        // Version 6 adds a node.
        endpoint.Reply = FakeConfigEndpoint.Config(6, [.. ThreeNodes, "mycluster.fnjyzo.0004.use1.cache.amazonaws.com|10.82.9.9|11211"]);
        Assert.True(await discovery.RefreshAsync());
        Assert.Equal(4, discovery.Current.Count);

        // An older version (a node that has not caught up) changes nothing, and is not a failure.
        endpoint.Reply = FakeConfigEndpoint.Config(4, ThreeNodes[0]);
        Assert.False(await discovery.RefreshAsync());
        Assert.Equal(4, discovery.Current.Count);
        Assert.Null(discovery.LastError);

        // Garbage of every kind changes nothing and is reported.
        foreach (var garbage in Garbage.Select(row => (string)row[0]))
        {
            endpoint.Reply = garbage;
            Assert.False(await discovery.RefreshAsync());
            Assert.Equal(4, discovery.Current.Count);
            Assert.IsType<DiscoveryException>(discovery.LastError);
        }
        lock (failures)
            Assert.Equal(Garbage.Count(), failures.Count);
        Assert.Equal(6, discovery.Version);

        // Version 7 removes two nodes.
        endpoint.Reply = FakeConfigEndpoint.Config(7, ThreeNodes[1], ThreeNodes[2]);
        Assert.True(await discovery.RefreshAsync());
        Assert.Equal(["mycluster.fnjyzo.0002.use1.cache.amazonaws.com:11211", "mycluster.fnjyzo.0003.use1.cache.amazonaws.com:11211"], discovery.Current.Select(s => s.ToString()));
    }

    [Fact]
    public async Task Discovery_polls_and_follows_the_endpoint()
    {
        await using var endpoint = new FakeConfigEndpoint(FakeConfigEndpoint.Config(1, "a|10.0.0.1|11211", "b|10.0.0.2|11211"));
        await using var discovery = new ClusterConfigDiscovery("127.0.0.1", endpoint.Port, TimeSpan.FromMilliseconds(200)) { UseIPAddresses = true };
        await discovery.StartAsync();
        Assert.Equal(["10.0.0.1:11211", "10.0.0.2:11211"], discovery.Current.Select(s => s.ToString()));

        endpoint.Reply = FakeConfigEndpoint.Config(2, "a|10.0.0.1|11211", "b|10.0.0.2|11211", "c|10.0.0.3|11212");
        await Eventually.ServersAsync(discovery, "10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11212");
        Assert.True(endpoint.Requests >= 2);
    }

    [Fact]
    public async Task Discovery_reports_an_endpoint_that_does_not_answer_and_starts_anyway()
    {
        // A listener that accepts and never replies.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            await using var discovery = new ClusterConfigDiscovery("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(300));
            await discovery.StartAsync();
            Assert.Empty(discovery.Current);
            Assert.Contains("no complete reply", discovery.LastError?.Message, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }
}
