using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>
/// A program the tests start, with its output kept for assertions and failure messages. Killed (with its
/// children) on <see cref="Dispose"/>, pass or fail, and at test-host exit as a last resort.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly SemaphoreSlim _outputChanged = new(0);
    private bool _disposed;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
                KillQuietly(process);
        };
    }

    private ChildProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything written to stdout and stderr so far (bounded).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, fileName + " " + string.Join(' ', info.ArgumentList));
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException("Could not start " + child.CommandLine);
        Live[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line of output matching <paramref name="pattern"/>; fails with the output when the process exits or time runs out.</summary>
    public Match WaitForOutput(Regex pattern, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var match = pattern.Match(Output);
            if (match.Success)
                return match;
            if (_process.HasExited)
            {
                _process.WaitForExit();
                match = pattern.Match(Output);
                if (match.Success)
                    return match;
                throw new InvalidOperationException($"{CommandLine} exited with code {_process.ExitCode} before printing /{pattern}/; output:\n{Output}");
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{CommandLine} did not print /{pattern}/ within {timeout.TotalSeconds:0} s; output:\n{Output}");
            _outputChanged.Wait(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return null;
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (15 = SIGTERM).</summary>
    public void Signal(int signal)
    {
        if (SysKill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Kills the process (SIGKILL, children too) and waits for it to be gone.</summary>
    public void Kill() => KillQuietly(_process);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        KillQuietly(_process);
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
        _outputChanged.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (_output.Length < 2_000_000)
                _output.AppendLine(line);
        }
        try
        {
            _outputChanged.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
