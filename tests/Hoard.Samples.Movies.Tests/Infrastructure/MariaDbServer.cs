using System.Diagnostics;
using Hoard.Integration.Tests.Infrastructure;
using MySqlConnector;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// A MariaDB server of its own (Debian's <c>mariadb-server</c>): a fresh data directory made by
/// <c>mariadb-install-db</c>, <c>mariadbd</c> as root on a free loopback port without grant tables, killed on
/// <see cref="Dispose"/>. <c>--no-defaults</c> keeps the machine's /etc/mysql configuration out of it.
/// </summary>
public sealed class MariaDbServer : IDisposable
{
    public const string Daemon = "/usr/sbin/mariadbd";
    public const string InstallDb = "/usr/bin/mariadb-install-db";
    public const string Client = "/usr/bin/mariadb";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _process;
    private readonly string _directory;

    private MariaDbServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string? database = null) =>
        $"Server=127.0.0.1;Port={Port};User ID=root;SslMode=None" + (database is null ? "" : ";Database=" + database);

    public static MariaDbServer Start()
    {
        foreach (var program in new[] { Daemon, InstallDb, Client })
        {
            if (!File.Exists(program))
            {
                throw new InvalidOperationException(
                    $"{program} is missing: the sakila test needs Debian's mariadb-server package (apt-get install -y mariadb-server; test.sh installs it).");
            }
        }
        string directory = Directory.CreateTempSubdirectory("hoard-movies-mariadb-").FullName;
        try
        {
            string data = Path.Combine(directory, "data");
            Run(InstallDb, ["--no-defaults", "--user=root", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"], null);
            int port = Ports.Free();
            var process = ChildProcess.Start(Daemon,
            [
                "--no-defaults", "--user=root", "--datadir=" + data, "--socket=" + Path.Combine(directory, "sock"),
                "--pid-file=" + Path.Combine(directory, "pid"), "--port=" + port, "--bind-address=127.0.0.1",
                "--skip-grant-tables", "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=2", "--innodb-buffer-pool-size=64M",
            ], workingDirectory: Path.GetTempPath());
            var server = new MariaDbServer(process, directory, port);
            try
            {
                server.WaitUntilReady();
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
        catch
        {
            DeleteQuietly(directory);
            throw;
        }
    }

    /// <summary>Runs an SQL file through the <c>mariadb</c> client (which understands the schema's DELIMITER blocks).</summary>
    public void Load(string sqlFile)
    {
        if (!File.Exists(sqlFile))
            throw new FileNotFoundException($"{sqlFile} is missing: the sakila test reads ../shared/sakila beside the repository.", sqlFile);
        Run(Client, ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "root"], sqlFile);
    }

    public void Dispose()
    {
        _process.Dispose();
        DeleteQuietly(_directory);
    }

    private void WaitUntilReady()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mariadbd exited before accepting connections; output:\n{_process.Output}");
            if (Ports.Accepts(Port))
            {
                try
                {
                    using var connection = new MySqlConnection(ConnectionString() + ";Pooling=false");
                    connection.Open();
                    return;
                }
                catch (MySqlException) when (clock.Elapsed < StartTimeout)
                {
                    // Listening but still starting up.
                }
            }
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"mariadbd did not accept connections within {StartTimeout.TotalSeconds:0} s; output:\n{_process.Output}");
            Thread.Sleep(100);
        }
    }

    private static void Run(string program, IReadOnlyList<string> arguments, string? stdinFile)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile))
                input.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(StartTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {StartTimeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
    }

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
}
