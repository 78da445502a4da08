using System.Globalization;
using System.Text;
using Hoard.Client.Distribution;
using Xunit.Abstractions;

namespace Hoard.Client.Tests.Distribution;

/// <summary>
/// Growing a fleet from five servers to six: a consistent scheme moves only the keys the new server takes,
/// ideally 1/6 of them; modula moves most keys. The measured fractions are printed and in docs/client.md.
/// </summary>
public class KeyMovementTests(ITestOutputHelper output)
{
    private const int Keys = 10_000;

    private double MovedFraction(KeyDistribution distribution, KetamaFlavor? flavor)
    {
        var five = NodeLocator.Create(distribution,
            Enumerable.Range(1, 5).Select(i => new ServerEndPoint("10.0.0." + i.ToString(CultureInfo.InvariantCulture), 11211)), flavor);
        var six = five.WithNodes(five.Nodes.Append(new ServerEndPoint("10.0.0.6", 11211)));
        var moved = 0;
        var movedElsewhere = 0;
        for (var i = 0; i < Keys; i++)
        {
            var key = Encoding.ASCII.GetBytes("key-" + i.ToString(CultureInfo.InvariantCulture));
            var before = five.Locate(key);
            var after = six.Locate(key);
            if (before != after)
            {
                moved++;
                if (after.Host != "10.0.0.6")
                    movedElsewhere++;
            }
        }
        var fraction = moved / (double)Keys;
        output.WriteLine($"{distribution} {flavor}: {moved} of {Keys} keys moved ({fraction:P2}); ideal 1/6 = 16.67%; " +
            $"{movedElsewhere} moved between old servers");
        if (distribution != KeyDistribution.Modula)
            Assert.Equal(0, movedElsewhere); // consistent: a key moves only to the new server
        return fraction;
    }

    [Theory]
    [InlineData(KetamaFlavor.Libketama)]
    [InlineData(KetamaFlavor.LibmemcachedKetama)]
    [InlineData(KetamaFlavor.Spymemcached)]
    [InlineData(KetamaFlavor.LibmemcachedSpy)]
    public void Adding_a_sixth_server_moves_about_a_sixth_of_the_keys_with_ketama(KetamaFlavor flavor)
    {
        Assert.InRange(MovedFraction(KeyDistribution.Ketama, flavor), 1 / 6.0 - 0.05, 1 / 6.0 + 0.05);
    }

    [Fact]
    public void Adding_a_sixth_server_moves_about_a_sixth_of_the_keys_with_rendezvous()
    {
        Assert.InRange(MovedFraction(KeyDistribution.Rendezvous, null), 1 / 6.0 - 0.05, 1 / 6.0 + 0.05);
    }

    [Fact]
    public void Adding_a_sixth_server_moves_most_keys_with_modula()
    {
        // Expected 5/6: a key stays only when hash % 5 == hash % 6.
        Assert.InRange(MovedFraction(KeyDistribution.Modula, null), 0.75, 0.90);
    }
}
