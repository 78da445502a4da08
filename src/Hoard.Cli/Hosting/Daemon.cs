using System.Diagnostics;
using System.Reflection;

namespace Hoard.Cli.Hosting;

/// <summary>
/// <c>-d</c>. A .NET process cannot fork, so the daemon is a second copy of this program started with the
/// same arguments and <see cref="ChildVariable"/> set. The child starts a new session (no controlling
/// terminal), binds, and then writes <see cref="ReadyLine"/> on its stdout, a pipe to the parent; the parent
/// exits 0 when it reads that line, or with the child's exit code if the child exits first. Until then the
/// child's stderr is the parent's, so a bind failure or a bad flag is reported on the terminal as usual.
/// </summary>
internal static class Daemon
{
    public const string ChildVariable = "HOARD_DAEMON_CHILD";
    public const string ReadyLine = "hoard-daemon-ready";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Whether this process is the background copy started by <see cref="RunParentAsync"/>.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>Starts the background copy and waits until it listens; returns this process's exit code.</summary>
    public static async Task<int> RunParentAsync(IReadOnlyList<string> arguments, TextWriter error)
    {
        var info = SelfStartInfo(arguments);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.Environment[ChildVariable] = "1";

        using var child = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        child.StandardInput.Close();

        using var timeout = new CancellationTokenSource(ReadyTimeout);
        try
        {
            while (await child.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line == ReadyLine) return 0;
            }
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await error.WriteLineAsync($"hoard server: the daemon did not start listening within {ReadyTimeout.TotalSeconds:0} s; stopped it").ConfigureAwait(false);
            return 1;
        }

        // The pipe closed without the ready line: the child failed and has said why on stderr.
        await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return child.ExitCode == 0 ? 1 : child.ExitCode;
    }

    /// <summary>In the child, first thing: leave the terminal's session so its hangup and Ctrl-C no longer reach us.</summary>
    public static void DetachFromTerminal() => _ = LibC.SetSessionId();

    /// <summary>
    /// In the child, once listening: tell the parent, then point stdin and stdout (and stderr unless
    /// <paramref name="keepStandardError"/>, memcached's behaviour with <c>-v</c>) at /dev/null, and move to
    /// <c>/</c> so the daemon holds no directory busy.
    /// </summary>
    public static void ReportReady(bool keepStandardError)
    {
        using (var ready = new StreamWriter(Console.OpenStandardOutput()))
        {
            ready.WriteLine(ReadyLine);
        }

        var standardErrorTarget = keepStandardError ? null : DescriptorTarget(2);
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite))
        {
            var descriptor = (int)devNull.DangerousGetHandle();
            _ = LibC.Dup2(descriptor, 0);
            _ = LibC.Dup2(descriptor, 1);
            if (standardErrorTarget is not null)
            {
                _ = LibC.Dup2(descriptor, 2);

                // The runtime's Console.Error writes to its own duplicate of descriptor 2. Left open, it would keep
                // the caller's stderr pipe open, and a caller waiting for end of output (2>&1 | tee, a test
                // harness) would wait for as long as the daemon lives.
                foreach (var other in OpenDescriptors())
                {
                    if (other > 2 && other != descriptor && DescriptorTarget(other) == standardErrorTarget)
                        _ = LibC.Dup2(descriptor, other);
                }
            }
        }

        Console.SetIn(TextReader.Null);
        Console.SetOut(TextWriter.Null);
        if (!keepStandardError) Console.SetError(TextWriter.Null);
        Directory.SetCurrentDirectory("/");
    }

    private static string? DescriptorTarget(int descriptor)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{descriptor}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<int> OpenDescriptors()
    {
        var descriptors = new List<int>();
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var descriptor)) descriptors.Add(descriptor);
        }

        return descriptors;
    }

    private static ProcessStartInfo SelfStartInfo(IReadOnlyList<string> arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where this program is to start it again");
        var info = new ProcessStartInfo(host) { UseShellExecute = false };

        // Started as "dotnet hoard.dll": the host needs the assembly again.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
