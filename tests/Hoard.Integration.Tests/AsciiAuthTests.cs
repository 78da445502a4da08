using Hoard.Integration.Tests.Infrastructure;
using static Hoard.Integration.Tests.Infrastructure.ReplyAssert;

namespace Hoard.Integration.Tests;

/// <summary>
/// memcached's ASCII authentication (<c>-Y FILE</c>) against the real process; the same test passes against
/// memcached 1.6.18 (HOARD_TEST_SERVER=memcached). One request at a time: memcached answers only the first
/// command of a packet while a connection is unauthenticated.
/// </summary>
public sealed class AsciiAuthTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-auth-").FullName;

    private string PasswordFile => Path.Combine(_directory, "users");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Commands_are_refused_until_a_set_carries_valid_credentials()
    {
        File.WriteAllText(PasswordFile, "alice:secret\nbob:hunter2\n");
        using var server = ServerProcess.Start("-Y", PasswordFile);
        using var client = server.Connect();
        AssertExchange(client, "get k\r\n", "CLIENT_ERROR unauthenticated\r\n");
        AssertExchange(client, "version\r\n", "CLIENT_ERROR unauthenticated\r\n");
        AssertExchange(client, "set auth 0 0 11\r\nalice wrong\r\n", "CLIENT_ERROR authentication failure\r\n");
        AssertExchange(client, "set auth 0 0 5\r\nalice\r\n", "CLIENT_ERROR bad authentication token format\r\n");
        AssertExchange(client, "set auth 0 0 12\r\nalice secret\r\n", "STORED\r\n");
        AssertExchange(client, "set k 0 0 1\r\nv\r\n", "STORED\r\n");
        // The credentials were not stored under the key of the authenticating set.
        AssertExchange(client, "get k auth\r\n", "VALUE k 0 1\r\nv\r\nEND\r\n");

        using var other = server.Connect();
        AssertExchange(other, "get k\r\n", "CLIENT_ERROR unauthenticated\r\n");

        client.Send("stats\r\n");
        var stats = string.Join("\r\n", client.ReadLinesUntil("END")) + "\r\n";
        Assert.Contains("STAT auth_cmds 2\r\n", stats, StringComparison.Ordinal);
        Assert.Contains("STAT auth_errors 1\r\n", stats, StringComparison.Ordinal);
    }

    [Fact]
    public void Sighup_reloads_the_password_file_so_credentials_rotate_without_a_restart()
    {
        if (TestServer.IsMemcached)
            return; // memcached 1.6.18 reads its auth file only at start; reloading is Hoard's addition.
        File.WriteAllText(PasswordFile, "app:old\n");
        using var server = ServerProcess.Start("-Y", PasswordFile);
        using var before = server.Connect();
        AssertExchange(before, "set auth 0 0 7\r\napp old\r\n", "STORED\r\n");

        // Rotation: both passwords valid while clients move over, then only the new one.
        File.WriteAllText(PasswordFile, "app:old\napp:new\n");
        server.Signal(ServerProcess.SigHup);
        WaitUntilAccepted(server, "app new");
        File.WriteAllText(PasswordFile, "app:new\n");
        server.Signal(ServerProcess.SigHup);
        WaitUntilRefused(server, "app old");

        // A broken file keeps the users in force; the connection authenticated earlier keeps working.
        File.WriteAllText(PasswordFile, "garbage without a colon\n");
        server.Signal(ServerProcess.SigHup);
        var logged = System.Diagnostics.Stopwatch.StartNew();
        while (!server.Output.Contains("Could not reload password file", StringComparison.Ordinal) && logged.Elapsed < TimeSpan.FromSeconds(20))
            Thread.Sleep(50);
        using (var client = server.Connect())
            AssertExchange(client, "set auth 0 0 7\r\napp new\r\n", "STORED\r\n");
        Version(before);
        Assert.False(server.HasExited);
        Assert.Contains("Could not reload password file", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("new", server.Output.Replace("password file", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_broken_password_file_stops_the_server_from_starting()
    {
        if (TestServer.IsMemcached)
            return; // memcached's own messages differ; this checks Hoard's.
        File.WriteAllText(PasswordFile, "no-colon\n");
        var broken = Assert.Throws<InvalidOperationException>(() => ServerProcess.Start("-Y", PasswordFile));
        Assert.Contains("line 1: expected user:password", broken.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<InvalidOperationException>(() => ServerProcess.Start("-Y", Path.Combine(_directory, "absent")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    private static void WaitUntilAccepted(ServerProcess server, string credentials) =>
        WaitFor(server, credentials, "STORED");

    private static void WaitUntilRefused(ServerProcess server, string credentials) =>
        WaitFor(server, credentials, "CLIENT_ERROR authentication failure");

    private static void WaitFor(ServerProcess server, string credentials, string reply)
    {
        // The signal is handled asynchronously; poll briefly with fresh connections.
        for (int attempt = 0; ; attempt++)
        {
            using var client = server.Connect();
            client.Send($"set auth 0 0 {credentials.Length}\r\n{credentials}\r\n");
            string line = client.ReadLine();
            if (line == reply)
                return;
            if (attempt >= 200)
                Assert.Fail($"after SIGHUP, '{credentials}' still answered '{line}': {server.Describe()}");
            Thread.Sleep(100);
        }
    }
}
