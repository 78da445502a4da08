namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>Three cache nodes, the app in embedded (SQLite) mode over them, and a browser.</summary>
public sealed class MoviesSiteFixture : IAsyncLifetime
{
    private HoardCluster? _cluster;
    private MoviesApp? _app;
    private Chromium? _chromium;

    public HoardCluster Cluster => _cluster!;

    public MoviesApp App => _app!;

    public Chromium Chromium => _chromium!;

    public async Task InitializeAsync()
    {
        // The browser launches while the nodes and the app start.
        var launching = Chromium.LaunchAsync();
        try
        {
            _cluster = new HoardCluster(3);
            _app = MoviesApp.Start(_cluster.ServerList);
        }
        finally
        {
            _chromium = await launching;
        }
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
        _app?.Dispose();
        _cluster?.Dispose();
    }
}
