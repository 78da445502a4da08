using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// A program a test starts (a server, a CLI, a peer tool), with its output kept for assertions and failure
/// messages. It is killed with its whole process tree on <see cref="Dispose"/>, pass or fail, and at test-host
/// exit as a last resort, so no test leaves a listener or a daemon behind.
/// </summary>
/// <remarks>Shared by the test projects, which link this file (see their .csproj).</remarks>
public sealed partial class ChildProcess : IDisposable
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigStop = 19;

    /// <summary>Per buffer, so a chatty server (-vv, a cluster's status table) cannot exhaust the test host.</summary>
    private const int LongRunningOutputLimit = 2_000_000;

    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly Process _process;
    private readonly int _outputLimit;
    private readonly object _gate = new();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private long _lines;
    private bool _disposed;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
                KillQuietly(process);
        };
    }

    private ChildProcess(Process process, int outputLimit)
    {
        _process = process;
        _outputLimit = outputLimit;
        CommandLine = process.StartInfo.FileName + " " + string.Join(' ', process.StartInfo.ArgumentList);
    }

    /// <summary>What <see cref="Run"/> returns: the exit code and each stream's full text.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Only once <see cref="HasExited"/>; call <see cref="WaitForExit"/> first to have all the output too.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>stdout and stderr so far, interleaved by line.</summary>
    public string Output => Read(_output);

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    /// <summary>Every stream redirected: a child inheriting the test host's console could block on it or write into its report.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (workingDirectory is not null)
            info.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return info;
    }

    /// <summary>
    /// Starts a long-running program (a server, <c>hoard cluster up</c>); its stdin stays open, since some
    /// programs take a closed stdin as the signal to stop. The working directory is inherited unless given.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        Start(StartInfo(fileName, arguments, environment, workingDirectory), LongRunningOutputLimit);

    /// <summary>
    /// Runs a program to completion with stdin closed and returns its output; kills it and throws
    /// <see cref="TimeoutException"/> (with the output so far) when it outlives <paramref name="timeout"/>.
    /// </summary>
    public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        // Unbounded: callers parse the whole output (rendered manifests, a script's report).
        using var child = Start(StartInfo(fileName, arguments, environment, workingDirectory), int.MaxValue);
        child._process.StandardInput.Close();
        if (child.WaitForExit(timeout) is not { } exitCode)
        {
            child.Kill();
            throw new TimeoutException(
                $"{child.CommandLine} did not finish within {timeout.TotalSeconds}s\n" +
                $"--- stdout ---\n{child.Stdout}\n--- stderr ---\n{child.Stderr}");
        }
        return new Result(exitCode, child.Stdout, child.Stderr);
    }

    /// <summary>
    /// Waits until the output so far satisfies <paramref name="condition"/> and returns it; throws, with the
    /// output, when the process exits first or after <paramref name="timeout"/>. <paramref name="what"/> names
    /// the awaited output in those messages.
    /// </summary>
    public string WaitForOutput(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            long seen;
            string output;
            lock (_gate)
            {
                seen = _lines;
                output = _output.ToString();
            }
            if (condition(output))
                return output;
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the last lines may still be in flight
                output = Output;
                if (condition(output))
                    return output;
                throw new InvalidOperationException($"{CommandLine} exited with code {_process.ExitCode} before {what}; output:\n{output}");
            }
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{CommandLine}: waited {timeout.TotalSeconds:0} s for {what}; output so far:\n{output}");
            // Woken by each new line; the cap is for noticing an exit that prints nothing.
            lock (_gate)
            {
                if (_lines == seen)
                    Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>As <see cref="WaitForOutput(Func{string, bool}, TimeSpan, string)"/>, for output matching <paramref name="pattern"/>.</summary>
    public Match WaitForOutput(Regex pattern, TimeSpan timeout)
    {
        var match = Match.Empty;
        WaitForOutput(output => (match = pattern.Match(output)).Success, timeout, $"printing /{pattern}/");
        return match;
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return null;
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal to the process itself (not its children).</summary>
    public void Signal(int signal)
    {
        if (SysKill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends a signal to any pid (a grandchild the test found out about).</summary>
    public static bool SignalPid(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>
    /// Whether <paramref name="pid"/> is a running process. A zombie counts as gone: it has exited, and is only
    /// waiting for a parent (in a container, PID 1 may never reap it).
    /// </summary>
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        // "pid (comm) S ...": the state follows the last ')', since comm may hold spaces and parentheses.
        var close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
    }

    /// <summary>Kills the process and its children (SIGKILL) and waits for it to be gone.</summary>
    public void Kill() => KillQuietly(_process);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        KillQuietly(_process);
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private static ChildProcess Start(ProcessStartInfo info, int outputLimit)
    {
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, outputLimit);
        process.OutputDataReceived += (_, e) => child.Append(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(child._stderr, e.Data);
        try
        {
            if (!process.Start())
                throw new InvalidOperationException("Could not start " + child.CommandLine);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        Live[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private string Read(StringBuilder buffer)
    {
        lock (_gate)
            return buffer.ToString();
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            if (_output.Length < _outputLimit)
                _output.AppendLine(line);
            if (stream.Length < _outputLimit)
                stream.AppendLine(line);
            _lines++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Kills <paramref name="process"/> and its children, if it still runs, and waits for it; never throws.</summary>
    public static void KillQuietly(Process process)
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
            // Never started, or already disposed.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we killed it.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
