using System.Diagnostics;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests;

/// <summary>pylibmc (libmemcached) over the text and binary protocols, and with SASL (scripts/pylibmc_*.py).</summary>
public sealed class PylibmcTests
{
    private const string User = "cacheuser";
    private const string Password = "pl41n-s3cret";

    [Fact]
    public void Pylibmc_text_protocol_basic_commands_work()
    {
        using var server = ServerProcess.Start();
        PythonScript.AssertPasses(server, "pylibmc_ops.py", server.Port);
    }

    [Fact]
    public void Pylibmc_binary_protocol_basic_commands_work()
    {
        using var server = ServerProcess.Start();
        PythonScript.AssertPasses(server, "pylibmc_binary_ops.py", server.Port);
    }

    [Fact]
    public void Pylibmc_binary_protocol_with_sasl_needs_the_right_password()
    {
        var directory = Directory.CreateTempSubdirectory("hoard-sasl-").FullName;
        try
        {
            using var server = StartSaslServer(directory);
            PythonScript.AssertPasses(server, "pylibmc_sasl.py", [server.Port], [User, Password]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// hoard reads <c>user:password</c> lines (<c>-o sasl_pwdb</c>). Debian's memcached uses Cyrus SASL, which
    /// needs a config naming PLAIN and a sasldb made with saslpasswd2 (package sasl2-bin).
    /// </summary>
    private static ServerProcess StartSaslServer(string directory)
    {
        if (!TestServer.IsMemcached)
        {
            var passwords = Path.Combine(directory, "passwords");
            File.WriteAllText(passwords, $"{User}:{Password}\n");
            return ServerProcess.Start("-S", "-o", $"sasl_pwdb={passwords}");
        }
        var sasldb = Path.Combine(directory, "sasldb");
        File.WriteAllText(Path.Combine(directory, "memcached.conf"), $"mech_list: plain\nsasldb_path: {sasldb}\n");
        var info = ChildProcess.StartInfo("/usr/sbin/saslpasswd2", ["-p", "-c", "-a", "memcached", "-f", sasldb, User]);
        using (var process = Process.Start(info)!)
        {
            process.StandardInput.Write(Password);
            process.StandardInput.Close();
            Assert.True(process.WaitForExit(10_000) && process.ExitCode == 0, "saslpasswd2 failed: " + process.StandardError.ReadToEnd());
        }
        return ServerProcess.Start(new Dictionary<string, string> { ["SASL_CONF_PATH"] = directory }, "-S");
    }
}
