namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// Resolves the server under test from the environment: <c>HOARD_TEST_SERVER</c> (<c>hoard</c>, the default, or
/// <c>memcached</c>), <c>HOARD_BIN</c> (path of the hoard apphost) and <c>MEMCACHED_BIN</c> (default
/// <c>/usr/bin/memcached</c>).
/// </summary>
public static class TestServer
{
    public static ServerFlavor Flavor { get; } = ReadFlavor();

    public static bool IsMemcached => Flavor == ServerFlavor.Memcached;

    /// <summary>The executable to start.</summary>
    public static string Executable => Flavor == ServerFlavor.Memcached
        ? Environment.GetEnvironmentVariable("MEMCACHED_BIN") is { Length: > 0 } m ? m : "/usr/bin/memcached"
        : HoardBinary();

    /// <summary>
    /// Arguments every server gets before the test's own: loopback only, no UDP, an ephemeral TCP port
    /// reported through <c>MEMCACHED_PORT_FILENAME</c>. memcached spells "ephemeral port" <c>-p -1</c>
    /// (its <c>-p 0</c> turns TCP off); hoard takes <c>-p 0</c>.
    /// </summary>
    public static IReadOnlyList<string> BaseArguments => Flavor == ServerFlavor.Memcached
        ? ["-u", "root", "-U", "0", "-l", "127.0.0.1", "-p", "-1"]
        : ["server", "-U", "0", "-l", "127.0.0.1", "-p", "0"];

    private static ServerFlavor ReadFlavor()
    {
        var value = Environment.GetEnvironmentVariable("HOARD_TEST_SERVER");
        if (string.IsNullOrWhiteSpace(value) || value.Equals("hoard", StringComparison.OrdinalIgnoreCase))
            return ServerFlavor.Hoard;
        if (value.Equals("memcached", StringComparison.OrdinalIgnoreCase))
            return ServerFlavor.Memcached;
        throw new InvalidOperationException($"HOARD_TEST_SERVER must be 'hoard' or 'memcached', not '{value}'.");
    }

    private static string HoardBinary()
    {
        var fromEnv = Environment.GetEnvironmentVariable("HOARD_BIN");
        if (!string.IsNullOrEmpty(fromEnv))
            return fromEnv;
        var root = RepositoryRoot()
            ?? throw new InvalidOperationException(
                "Cannot find the repository root (a directory holding src/Hoard.Cli) above " + AppContext.BaseDirectory +
                "; set HOARD_BIN to the hoard apphost.");
        var path = Path.Combine(root, "src", "Hoard.Cli", "bin", "Release", "net10.0", "hoard");
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The hoard apphost {path} does not exist. Build it (dotnet build Hoard.sln -c Release), set HOARD_BIN, " +
                "or run the suite against memcached with HOARD_TEST_SERVER=memcached.");
        return path;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "Hoard.Cli")))
                return dir.FullName;
        }
        return null;
    }
}
