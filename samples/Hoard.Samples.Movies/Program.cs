using Hoard.Samples.Movies;
using Hoard.Samples.Movies.Configuration;

// Ctrl-C and SIGTERM stop the host gracefully (requests in flight finish); the cache client closes with it.
try
{
    await using var app = MoviesApplication.Build(args);
    await MoviesApplication.PrepareAsync(app);
    await app.StartAsync();
    MoviesApplication.ReportStarted(app);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (MoviesConfigurationException ex)
{
    await Console.Error.WriteLineAsync("hoard-movies: " + ex.Message);
    return 2;
}
catch (IOException ex) when (ex.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
{
    // Kestrel's "Failed to bind to address ...: address already in use."
    await Console.Error.WriteLineAsync("hoard-movies: " + ex.Message + " (choose another with --urls http://localhost:PORT)");
    return 1;
}
