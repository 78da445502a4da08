using System.Globalization;
using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary>Expiry given as an absolute unix time, on the server's clock (read from <c>stats</c> <c>time</c>).</summary>
public sealed class AbsoluteExpiryTests
{
    [Fact]
    public void Absolute_unix_time_expires_the_item_at_that_time()
    {
        using var server = ServerProcess.Start();
        using var client = server.Connect();
        var now = client.Stat("time");
        var at = (now + 3).ToString(CultureInfo.InvariantCulture);
        var past = (now - 100).ToString(CultureInfo.InvariantCulture);
        AssertExchange(client, $"set abs 0 {at} 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, $"set past 0 {past} 1\r\nv\r\n", "STORED\r\n");
        AssertExchange(client, "get abs past\r\n", "VALUE abs 0 1\r\nv\r\nEND\r\n");
        Thread.Sleep(TimeSpan.FromSeconds(4.5));
        AssertExchange(client, "get abs\r\n", "END\r\n");
    }
}
