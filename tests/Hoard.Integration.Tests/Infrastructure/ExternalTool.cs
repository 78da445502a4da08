using System.Diagnostics;
using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Runs a peer program (memccapable, a Python client script) to completion with a time limit.</summary>
public static class ExternalTool
{
    /// <summary>Debian's interpreter, which has pymemcache, pylibmc and python-memcached; another python3 may come first on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    /// <summary>A start description with every stream redirected, the way all test processes are started.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return info;
    }

    public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!File.Exists(fileName))
            throw new InvalidOperationException($"{fileName} is not installed (test.sh installs it from Debian packages).");
        var info = StartInfo(fileName, arguments);
        info.Environment["PYTHONUNBUFFERED"] = "1";
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException(
                $"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds}s\n" +
                $"--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }
        process.WaitForExit();
        lock (stdout)
        lock (stderr)
            return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Path of a script copied next to the test assembly.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "scripts", name);
}
