using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Hoard.Cli.Tests.Stats;

/// <summary>
/// A process a test starts (hoard, memcached): output captured, signals by pid, and killed when the test
/// ends whether it passed or not (and when the test host exits, as a last resort).
/// </summary>
public sealed partial class TestProcess : IDisposable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigInt = 2;
    public const int SigStop = 19;

    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    static TestProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
                KillQuietly(process);
        };
    }

    private TestProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>stdout and stderr so far, interleaved by line.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The hoard apphost built with this test project (HOARD_BIN overrides it).</summary>
    public static string HoardExecutable =>
        Environment.GetEnvironmentVariable("HOARD_BIN") is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "hoard");

    public static TestProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
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
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var started = new TestProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        Live[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Polls the output until <paramref name="condition"/> holds; fails with the output after <paramref name="timeout"/>.</summary>
    public string WaitForOutput(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var output = Output;
            if (condition(output))
                return output;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}; output so far:\n{output}");
            if (_process.HasExited)
            {
                _process.WaitForExit();
                output = Output;
                if (condition(output))
                    return output;
                throw new InvalidOperationException($"exited with code {_process.ExitCode} before {what}; output:\n{output}");
            }
            Thread.Sleep(50);
        }
    }

    public void Signal(int signal)
    {
        if (SysKill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return null;
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        KillQuietly(_process);
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (_output.Length < 2_000_000)
                _output.AppendLine(line);
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
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
