using System.Diagnostics;
using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// Runs <c>hoard locate</c> (the hoard apphost, whichever server the suite runs against) with keys on standard
/// input and returns its <c>KEY HOST:PORT</c> answers: the black-box way to ask Hoard.Client's locators.
/// </summary>
public static class HoardLocate
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The server for each key, in key order; fails the test on any error.</summary>
    public static IReadOnlyList<string> Run(IReadOnlyList<string> keys, params string[] arguments)
    {
        var info = ChildProcess.StartInfo(Apphost(), ["locate", .. arguments]);
        info.StandardInputEncoding = new UTF8Encoding(false);
        info.StandardOutputEncoding = Encoding.UTF8;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start hoard");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var key in keys)
            process.StandardInput.Write(key + "\n");
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hoard locate {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds}s");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"hoard locate {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");

        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(keys.Count, lines.Length);
        var servers = new string[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            // Keys have no spaces (memcached forbids them), so the server is after the last space.
            var space = lines[i].LastIndexOf(' ');
            Assert.Equal(keys[i], lines[i][..space]);
            servers[i] = lines[i][(space + 1)..];
        }
        return servers;
    }

    /// <summary>HOARD_BIN, or the Release apphost in this repository (built by dotnet build Hoard.sln -c Release).</summary>
    public static string Apphost()
    {
        var fromEnv = Environment.GetEnvironmentVariable("HOARD_BIN");
        if (!string.IsNullOrEmpty(fromEnv))
            return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "Hoard.Cli", "bin", "Release", "net10.0", "hoard");
            if (File.Exists(path))
                return path;
        }
        throw new InvalidOperationException(
            "The hoard apphost is not built (dotnet build Hoard.sln -c Release), and HOARD_BIN is not set.");
    }
}
