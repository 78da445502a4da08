namespace Hoard.Cli.Stats;

/// <summary>The <c>q</c> key of a live table, as in top(1): read only when the keyboard is a terminal.</summary>
internal static class QuitKey
{
    /// <summary>Calls <paramref name="quit"/> when q is pressed; returns when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task WatchAsync(Action quit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quit);
        if (Console.IsInputRedirected)
            return;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Polled: Console.ReadKey cannot be cancelled, and would hold the command open after it ended.
                while (Console.KeyAvailable)
                {
                    if (Console.ReadKey(intercept: true).Key == ConsoleKey.Q)
                    {
                        quit();
                        return;
                    }
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (InvalidOperationException)
        {
            // No console to read from after all (e.g. started without a controlling terminal).
        }
    }
}
