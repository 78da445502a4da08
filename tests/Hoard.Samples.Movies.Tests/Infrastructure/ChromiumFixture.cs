namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>One headless Chromium for a test class; each test takes fresh contexts from it.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private Chromium? _chromium;

    public Chromium Chromium => _chromium ?? throw new InvalidOperationException("Chromium has not been launched");

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
    }
}
