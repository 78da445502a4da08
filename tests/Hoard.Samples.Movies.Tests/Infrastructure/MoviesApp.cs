using System.Text.RegularExpressions;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// The built sample application as a child process on a free loopback port (it binds port 0 and logs the
/// address it got), with its own data directory. What a user starts with <c>dotnet run</c>, reachable by a
/// real browser.
/// </summary>
public sealed partial class MoviesApp : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;
    private readonly bool _ownsDataDirectory;

    private MoviesApp(ChildProcess process, string dataDirectory, bool ownsDataDirectory, Uri baseAddress)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public string Output => _process.Output;

    public ChildProcess Process => _process;

    /// <summary>Starts the app over <paramref name="servers"/> (<c>Hoard:Servers</c>), with <paramref name="settings"/> as extra <c>--Key=Value</c> arguments.</summary>
    public static MoviesApp Start(string servers, IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        bool owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("hoard-movies-app-").FullName;
        var process = StartProcess(Arguments(servers, dataDirectory, settings));
        MoviesApp? app = null;
        try
        {
            var match = process.WaitForOutput(ListeningLine(), StartTimeout);
            app = new MoviesApp(process, dataDirectory, owns, new Uri(match.Groups["url"].Value.TrimEnd('/') + "/"));
            app.WarmUp();
            return app;
        }
        catch
        {
            if (app is not null)
            {
                app.Dispose();
            }
            else
            {
                process.Dispose();
                if (owns)
                    DeleteQuietly(dataDirectory);
            }
            throw;
        }
    }

    /// <summary>Runs the app expecting it to refuse to start; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunExpectingFailure(IEnumerable<string> arguments)
    {
        using var process = StartProcess(arguments);
        int? code = process.WaitForExit(StartTimeout);
        if (code is null)
            throw new InvalidOperationException($"the app did not stop within {StartTimeout.TotalSeconds:0} s; output:\n{process.Output}");
        return (code.Value, process.Output);
    }

    public static List<string> Arguments(string servers, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var arguments = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            "--Hoard:Servers=" + servers,
            "--Movies:DataDirectory=" + dataDirectory,
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Hoard.Samples.Movies=Information",
            // The app's 500 ms defaults are for a cache on a quiet network; on a loaded 2-core test machine a
            // freshly started node's first replies can take longer, which would eject it and fail a test for
            // the wrong reason. Dead nodes in these tests refuse connections at once, whatever the timeout.
            "--Hoard:OperationTimeout=00:00:05",
            "--Hoard:ConnectTimeout=00:00:05",
            // A lease winner slower than this loses its lease and its value is not stored (as it should not be);
            // a starved machine's first database load must not make "the second visit is a hit" fail.
            "--Movies:LeaseTimeout=00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            arguments.Add($"--{key}={value}");
        return arguments;
    }

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    /// <summary>
    /// The last film's page and a search nobody else makes, so compiling the app's code and opening its first
    /// database connections is not charged to a test's first lookup. Films below 1000 stay uncached.
    /// </summary>
    private void WarmUp()
    {
        foreach (var path in new[] { "films/1000", "?q=warm-up" })
        {
            using var response = Http.GetAsync(new Uri(path, UriKind.Relative)).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
                throw new InvalidOperationException($"warming up the app: GET /{path} answered {(int)response.StatusCode}; output:\n{Output}");
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
        if (_ownsDataDirectory)
            DeleteQuietly(DataDirectory);
    }

    private static ChildProcess StartProcess(IEnumerable<string> arguments) =>
        ChildProcess.Start(RepositoryPaths.MoviesExecutable, arguments, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // Console output in plain lines (no colours), so the listening line can be read.
            ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "0",
        }, Path.GetTempPath());

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"Movies sample listening on (?<url>http://[^;,\s]+)")]
    private static partial Regex ListeningLine();
}
