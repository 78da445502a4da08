using System.Text;
using Hoard.Protocol.Meta;

namespace Hoard.Protocol.Tests.Meta;

public class MetaBase64Tests
{
    private static string? Decode(string encoded)
    {
        var buffer = new byte[64];
        int length = MetaBase64.Decode(Encoding.Latin1.GetBytes(encoded), buffer);
        return length == 0 ? null : Convert.ToHexString(buffer, 0, length);
    }

    // Cases checked against memcached 1.6.18 (mg <key> b k).
    [Theory]
    [InlineData("Zm9v", "666F6F")]
    [InlineData("Zm8=", "666F")]
    [InlineData("Zg==", "66")]
    [InlineData("AA==", "00")]
    [InlineData("AAAA", "000000")]
    [InlineData("\"Zm9v\"", "666F6F")]
    [InlineData("Zg==Zm9v", "66")]
    [InlineData("=AAA", "0000")]
    [InlineData("Zm9", null)]
    [InlineData("Zm9v=", null)]
    [InlineData("Zm8", null)]
    [InlineData("Zm8==", null)]
    [InlineData("====", null)]
    [InlineData("Zm!v", null)]
    public void Decodes_like_memcached(string encoded, string? expectedHex)
    {
        Assert.Equal(expectedHex, Decode(encoded));
    }

    [Theory]
    [InlineData("")]
    [InlineData("f")]
    [InlineData("fo")]
    [InlineData("foo")]
    [InlineData("foob")]
    [InlineData("\u0000\u00ff binary \r\n")]
    public void Encodes_standard_base64(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var buffer = new byte[MetaBase64.EncodedLength(bytes.Length)];
        int length = MetaBase64.Encode(bytes, buffer);
        Assert.Equal(Convert.ToBase64String(bytes), Encoding.ASCII.GetString(buffer, 0, length));
    }
}
