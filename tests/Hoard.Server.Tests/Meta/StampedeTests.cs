namespace Hoard.Server.Tests.Meta;

/// <summary>
/// The meta protocol's anti-stampede flow: exactly one client wins the right to recompute (W), the others are
/// told someone already did (Z) and may serve the stale value (X) until the winner stores a fresh one.
/// </summary>
public sealed class StampedeTests : IDisposable
{
    private readonly MetaHarness _cache = new();

    public void Dispose() => _cache.Dispose();

    private string Send(string request) => _cache.Send(request);

    [Fact]
    public void Invalidated_key_gives_one_win_and_stale_values_until_the_winner_sets()
    {
        Send("ms page 5 T100\r\nv1-ok\r\n");
        Assert.Equal("HD\r\n", Send("md page I T30\r\n"));

        Assert.Equal("VA 5 c2 t30 X W\r\nv1-ok\r\n", Send("mg page v c t\r\n"));
        Assert.Equal("VA 5 c2 t30 Z X\r\nv1-ok\r\n", Send("mg page v c t\r\n"));
        Assert.Equal("VA 5 Z X\r\nv1-ok\r\n", Send("mg page v\r\n"));

        // A late writer holding an older CAS may only refresh the stale value (I), which keeps TTL and markers.
        Assert.Equal("HD\r\n", Send("ms page 5 I C1\r\nv1-re\r\n"));
        Assert.Equal("VA 5 c3 t30 Z X\r\nv1-re\r\n", Send("mg page v c t\r\n"));

        // The winner stores with the CAS it was handed: the item is fresh again.
        Assert.Equal("EX\r\n", Send("ms page 5 C2\r\nv2-ok\r\n"));
        Assert.Equal("HD c4\r\n", Send("ms page 5 C3 c T100\r\nv2-ok\r\n"));
        Assert.Equal("VA 5 t100\r\nv2-ok\r\n", Send("mg page v t\r\n"));
        Assert.Equal("VA 5\r\nv2-ok\r\n", Send("mg page v\r\n"));
    }

    [Fact]
    public void Missing_key_is_vivified_for_one_winner()
    {
        Assert.Equal("VA 0 s0 t-1 c1 f0 kpage W\r\n\r\n", Send("mg page s t c f v N30 k\r\n"));
        Assert.Equal("VA 0 s0 t30 c1 Z\r\n\r\n", Send("mg page s t c v N30\r\n"));
        Assert.Equal("HD Z\r\n", Send("mg page q N30\r\n"));
        Assert.Equal("HD\r\n", Send("ms page 3 T60\r\nnew\r\n"));
        Assert.Equal("VA 3 c2\r\nnew\r\n", Send("mg page v c N30\r\n"));
    }

    [Fact]
    public void Expiring_key_gives_one_early_recache_win()
    {
        Send("ms page 2 T20\r\nhi\r\n");
        Assert.Equal("VA 2\r\nhi\r\n", Send("mg page R10 v\r\n"));
        _cache.Advance(12);
        Assert.Equal("VA 2 t8 W\r\nhi\r\n", Send("mg page R10 v t\r\n"));
        Assert.Equal("VA 2 Z\r\nhi\r\nVA 2 Z\r\nhi\r\n", Send("mg page R10 v\r\nmg page v\r\n"));
        Send("ms page 2 T20\r\nyo\r\n");
        Assert.Equal("VA 2\r\nyo\r\n", Send("mg page R10 v\r\n"));
        _cache.Advance(25);
        Assert.Equal("EN\r\n", Send("mg page R10 v\r\n"));
    }
}
