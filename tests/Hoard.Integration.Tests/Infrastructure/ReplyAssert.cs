namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Assertions on raw replies; a mismatch shows CR and LF.</summary>
public static class ReplyAssert
{
    public static void AssertExchange(TextClient client, string request, string expected)
    {
        var actual = client.Exchange(request, expected);
        Assert.True(expected == actual,
            $"request {Shorten(request)}\nexpected {Escape(expected)}\nactual   {Escape(actual)}");
    }

    /// <summary>
    /// The connection still answers commands. Up to two stray <c>ERROR</c> lines are tolerated first: after a
    /// rejected storage command memcached parses the unread data line as a command.
    /// </summary>
    public static void AssertStillServes(TextClient client)
    {
        client.Send("version\r\n");
        var line = client.ReadLine();
        for (var i = 0; i < 2 && line == "ERROR"; i++)
            line = client.ReadLine();
        Assert.StartsWith("VERSION ", line, StringComparison.Ordinal);
        AssertExchange(client, "set alive 0 0 2\r\nok\r\n", "STORED\r\n");
        AssertExchange(client, "get alive\r\n", "VALUE alive 0 2\r\nok\r\nEND\r\n");
    }

    public static string Version(TextClient client)
    {
        var line = client.Call("version");
        Assert.StartsWith("VERSION ", line, StringComparison.Ordinal);
        return line["VERSION ".Length..];
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Shorten(string s) => Escape(s.Length > 120 ? s[..120] + "..." : s);
}
