using System.Runtime.InteropServices;

namespace Hoard.Cli.Stats;

/// <summary>
/// Turns SIGINT (Ctrl-C), SIGTERM and SIGHUP (terminal closed) into a cancellation, so a long-running command
/// ends its own way (children stopped, exit code 0) instead of the runtime's default of dying at once.
/// </summary>
/// <remarks>
/// System.CommandLine registers SIGINT/SIGTERM handlers of its own before the command runs; when the command
/// has not finished two seconds after a signal, it makes the invocation return 130/143 at once, and the
/// process would end with children still being stopped. The runtime calls every handler of a signal, newest
/// first, one after the other, so this handler waits (bounded) until the command says it has
/// <see cref="Finished"/>: by the time System.CommandLine's handler looks, the command is done.
/// </remarks>
internal sealed class StopSignals : IDisposable
{
    /// <summary>Longest a signal handler waits for the command to finish (children's grace time and more).</summary>
    private static readonly TimeSpan FinishWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private StopSignals(CancellationToken alsoStopOn)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(alsoStopOn);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    /// <summary>Cancelled on the first stop signal, on <see cref="Stop"/>, or when the token given to <see cref="Register"/> is.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that stopped the command, if one did.</summary>
    public PosixSignal? Received => Volatile.Read(ref _received) is var s and not 0 ? (PosixSignal)s : null;

    public static StopSignals Register(CancellationToken alsoStopOn) => new(alsoStopOn);

    /// <summary>Stops as a signal would (the q key, the end of a bounded run).</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>The command is done (its children stopped): signal handlers waiting for that may return.</summary>
    public void Finished() => _finished.TrySetResult();

    public void Dispose()
    {
        _finished.TrySetResult();
        foreach (var registration in _registrations)
            registration.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _received, (int)context.Signal, 0);
        try
        {
            _stop.Cancel();
            // Hold the handler chain until the command has wound down (see the remarks).
            _finished.Task.Wait(FinishWait);
        }
        catch (ObjectDisposedException)
        {
            // A signal racing the end of the command: it is ending anyway.
        }
        catch (AggregateException)
        {
            // A cancellation callback failed. Every callback has still run and the token is cancelled; an
            // exception let out of a signal handler would abort the process with the children still running.
        }
    }
}
