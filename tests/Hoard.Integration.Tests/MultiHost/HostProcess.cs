using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// A program running on a simulated host: started as <c>ip netns exec NAMESPACE PROGRAM ARGS</c>, and since ip
/// execs the program, the process id is the program's own — killing it kills the program, nothing in between.
/// Output is kept (bounded) for failure messages. Dispose kills it (SIGKILL) and reaps it; so does test-host exit.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _pid;
    private bool _disposed;

    static HostProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
                ChildProcess.KillQuietly(process);
        };
    }

    private HostProcess(Process process, NetworkHost host, string commandLine)
    {
        _process = process;
        _pid = -1;
        Host = host;
        CommandLine = commandLine;
    }

    public NetworkHost Host { get; }

    public string CommandLine { get; }

    /// <summary>The process id; still known after <see cref="Dispose"/>, to check the process is gone.</summary>
    public int Pid => _pid;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static HostProcess Start(NetworkHost host, string program, params string[] arguments)
    {
        var info = ChildProcess.StartInfo(IpCommand.Program, ["netns", "exec", host.Namespace, program, .. arguments]);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info };
        var started = new HostProcess(process, host, $"ip netns exec {host.Namespace} {program} {string.Join(' ', arguments)}");
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {started.CommandLine}");
        started._pid = process.Id;
        Live[process.Id] = process;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until the process listens on <paramref name="endPoint"/> in its namespace; throws with its output if it exits or takes too long.</summary>
    public void WaitUntilListening(IPEndPoint endPoint, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!TcpSocketTable.IsListening(Pid, endPoint))
        {
            if (HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"exited with code {_process.ExitCode} before listening on {endPoint}: {Describe()}");
            }
            if (clock.Elapsed > limit)
                throw new TimeoutException($"not listening on {endPoint} after {limit.TotalSeconds:F0} s: {Describe()}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits for the process to end; its exit code, or null when it is still running after <paramref name="limit"/>.</summary>
    public int? WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
            return null;
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as when the kernel's OOM killer or a crash takes a server: no goodbye to anyone.</summary>
    public void Kill()
    {
        ChildProcess.KillQuietly(_process);
        if (!_process.HasExited)
            throw new InvalidOperationException($"pid {Pid} still runs after SIGKILL: {CommandLine}");
    }

    /// <summary>
    /// True when no process with this id exists any more: killed and reaped, not a zombie. (Linux hands out
    /// process ids in increasing order, so the id is not someone else's seconds later.)
    /// </summary>
    public bool IsGone => !Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{Pid}"));

    public string Describe() => $"{CommandLine} (pid {Pid}); output:\n{Output}";

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        ChildProcess.KillQuietly(_process);
        Live.TryRemove(_pid, out _);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (_output.Length < 200_000)
                _output.AppendLine(line);
        }
    }
}
