using System.Text;
using Hoard.Protocol.Meta;
using Hoard.Protocol.Text;

namespace Hoard.Protocol.Tests.Meta;

public class MetaFlagParserTests
{
    private static MetaError Parse(TextCommandKind kind, string key, string arguments, out string decodedKey, out MetaFlagsSnapshot snapshot)
    {
        var buffer = new byte[MetaFlagParser.MaxKeyLength];
        var error = MetaFlagParser.Parse(kind, Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(arguments), buffer, out var flags);
        decodedKey = Encoding.Latin1.GetString(flags.Key);
        snapshot = new MetaFlagsSnapshot(flags.Present, flags.Exptime, flags.VivifyExptime, flags.RecacheThreshold, flags.ClientFlags,
            flags.CompareCas, flags.NewCas, flags.Delta, flags.InitialValue, flags.Mode, Encoding.ASCII.GetString(flags.Opaque));
        return error;
    }

    private static MetaError Parse(TextCommandKind kind, string arguments) => Parse(kind, "foo", arguments, out _, out _);

    private static string Reply(MetaError error, TextCommandKind kind) => Encoding.ASCII.GetString(error.Reply(kind));

    internal readonly record struct MetaFlagsSnapshot(ulong Present, int Exptime, int VivifyExptime, int Recache, uint ClientFlags,
        ulong CompareCas, ulong NewCas, ulong Delta, ulong Initial, byte Mode, string Opaque);

    [Fact]
    public void Values_of_every_flag_are_parsed()
    {
        var error = Parse(TextCommandKind.MetaArithmetic, "foo", "T30 N-1 R5 F7 C99 E100 D3 J42 MD O123 q k v", out var key, out var flags);

        Assert.Equal(MetaError.None, error);
        Assert.Equal("foo", key);
        Assert.Equal(new MetaFlagsSnapshot(flags.Present, 30, -1, 5, 7, 99, 100, 3, 42, (byte)'D', "O123"), flags);
        Assert.NotEqual(0UL, flags.Present & MetaFlagParser.Bit((byte)'q'));
        Assert.Equal(0UL, flags.Present & MetaFlagParser.Bit((byte)'s'));
    }

    [Fact]
    public void Flag_is_its_first_byte_and_the_rest_of_a_valueless_flag_is_ignored()
    {
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaGet, "vv kxyz q1"));
    }

    [Theory]
    [InlineData("zz", MetaError.InvalidFlag)]
    [InlineData("v Z", MetaError.InvalidFlag)]
    [InlineData("!", MetaError.InvalidFlag)]
    [InlineData("S2", MetaError.InvalidFlag)]
    [InlineData("x", MetaError.InvalidFlag)]
    [InlineData("v v", MetaError.DuplicateFlag)]
    [InlineData("O1 O2", MetaError.DuplicateFlag)]
    [InlineData("\u00e9", MetaError.DuplicateFlag)]
    [InlineData("T", MetaError.BadToken)]
    [InlineData("Tabc", MetaError.BadToken)]
    [InlineData("T5x", MetaError.BadToken)]
    [InlineData("T0x10", MetaError.BadToken)]
    [InlineData("N", MetaError.BadToken)]
    [InlineData("Rx", MetaError.BadToken)]
    [InlineData("C-1", MetaError.BadToken)]
    [InlineData("E", MetaError.BadToken)]
    [InlineData("F-1", MetaError.BadClientFlags)]
    [InlineData("M", MetaError.MTokenLength)]
    [InlineData("M12", MetaError.MTokenLength)]
    [InlineData("Jx", MetaError.InvalidInitialValue)]
    [InlineData("D18446744073709551616", MetaError.InvalidDeltaValue)]
    public void Garbage_flags_are_refused(string arguments, MetaError expected)
    {
        var latin1 = Encoding.Latin1.GetBytes(arguments);
        var error = MetaFlagParser.Parse(TextCommandKind.MetaGet, "foo"u8, latin1, new byte[250], out _);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("Fx Tx", MetaError.BadToken)]
    [InlineData("Tx Fx", MetaError.BadToken)]
    [InlineData("Jx Dx", MetaError.InvalidDeltaValue)]
    [InlineData("Dx Jx", MetaError.InvalidInitialValue)]
    [InlineData("Tx zz", MetaError.InvalidFlag)]
    [InlineData("Tx T1", MetaError.DuplicateFlag)]
    public void Last_bad_value_wins_but_an_unknown_or_repeated_flag_stops_at_once(string arguments, MetaError expected)
    {
        Assert.Equal(expected, Parse(TextCommandKind.MetaSet, arguments));
    }

    [Fact]
    public void Later_memcached_flags_are_accepted_where_hoard_supports_them()
    {
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaDelete, "x E5"));
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaSet, "E5"));
        Assert.Equal(MetaError.InvalidFlag, Parse(TextCommandKind.MetaSet, "x"));
    }

    [Fact]
    public void Seventeen_flags_are_allowed_and_ms_counts_its_length_token()
    {
        const string seventeen = "k v c t s f h l u O1 C1 D1 F1 I J1 L P1";
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaGet, seventeen));
        Assert.Equal(MetaError.OptionsTooLong, Parse(TextCommandKind.MetaGet, seventeen + " M1"));
        Assert.Equal(MetaError.OptionsTooLong, Parse(TextCommandKind.MetaSet, seventeen));
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaSet, "k v c t s f h l u O1 C1 D1 F1 I J1 L"));
    }

    [Fact]
    public void Key_longer_than_250_bytes_is_refused_before_decoding()
    {
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaGet, new string('k', 250), "v", out _, out _));
        Assert.Equal(MetaError.BadCommandLineFormat, Parse(TextCommandKind.MetaGet, new string('k', 251), "v", out _, out _));
        string encoded187 = Convert.ToBase64String(new byte[187]);
        Assert.Equal(252, encoded187.Length);
        Assert.Equal(MetaError.BadCommandLineFormat, Parse(TextCommandKind.MetaGet, encoded187, "b", out _, out _));
    }

    [Fact]
    public void Base64_key_is_decoded()
    {
        Assert.Equal(MetaError.None, Parse(TextCommandKind.MetaGet, "Zm9v", "b k", out var key, out _));
        Assert.Equal("foo", key);
        Assert.Equal(MetaError.KeyDecoding, Parse(TextCommandKind.MetaGet, "Zm9", "b", out _, out _));
    }

    [Theory]
    [InlineData(MetaError.InvalidFlag, TextCommandKind.MetaGet, "CLIENT_ERROR invalid flag\r\n")]
    [InlineData(MetaError.InvalidFlag, TextCommandKind.MetaSet, "CLIENT_ERROR invalid flag\r\n")]
    [InlineData(MetaError.InvalidFlag, TextCommandKind.MetaDelete, "CLIENT_ERROR invalid or duplicate flag\r\n")]
    [InlineData(MetaError.BadToken, TextCommandKind.MetaArithmetic, "CLIENT_ERROR invalid or duplicate flag\r\n")]
    [InlineData(MetaError.BadClientFlags, TextCommandKind.MetaSet, "CLIENT_ERROR bad command line format\r\n")]
    [InlineData(MetaError.OptionsTooLong, TextCommandKind.MetaGet, "CLIENT_ERROR options flags are too long\r\n")]
    [InlineData(MetaError.OptionsTooLong, TextCommandKind.MetaDelete, "CLIENT_ERROR options flags too long\r\n")]
    [InlineData(MetaError.OpaqueTooLong, TextCommandKind.MetaDelete, "CLIENT_ERROR opaque token too long\r\n")]
    [InlineData(MetaError.KeyDecoding, TextCommandKind.MetaGet, "CLIENT_ERROR error decoding key\r\n")]
    [InlineData(MetaError.InvalidSetMode, TextCommandKind.MetaSet, "CLIENT_ERROR invalid mode for ms M token\r\n")]
    [InlineData(MetaError.InvalidArithmeticMode, TextCommandKind.MetaArithmetic, "CLIENT_ERROR invalid mode for ma M token\r\n")]
    [InlineData(MetaError.BadCommandLineFormat, TextCommandKind.MetaDelete, "CLIENT_ERROR bad command line format\r\n")]
    public void Errors_reply_with_memcached_text_per_command(MetaError error, TextCommandKind kind, string expected)
    {
        Assert.Equal(expected, Reply(error, kind));
    }

    [Fact]
    public void Opaque_longer_than_32_bytes_is_flagged()
    {
        var buffer = new byte[250];
        MetaFlagParser.Parse(TextCommandKind.MetaGet, "foo"u8, "O1234567890123456789012345678901"u8, buffer, out var ok);
        Assert.False(ok.OpaqueTooLong);
        MetaFlagParser.Parse(TextCommandKind.MetaGet, "foo"u8, "O12345678901234567890123456789012"u8, buffer, out var tooLong);
        Assert.True(tooLong.OpaqueTooLong);
    }

    [Fact]
    public void Debug_decodes_only_when_the_first_argument_is_b()
    {
        var buffer = new byte[250];
        Assert.Equal(MetaError.None, MetaFlagParser.ParseDebug("Zm9v"u8, "b"u8, buffer, out var key, out bool binary));
        Assert.True(binary);
        Assert.Equal("foo", Encoding.ASCII.GetString(key));
        Assert.Equal(MetaError.None, MetaFlagParser.ParseDebug("Zm9v"u8, "x b"u8, buffer, out key, out binary));
        Assert.False(binary);
        Assert.Equal(MetaError.BadCommandLineFormat, MetaFlagParser.ParseDebug("g2"u8, "b"u8, buffer, out _, out _));
    }

    [Fact]
    public void Tokens_are_walked_in_request_order()
    {
        var tokens = new MetaFlagTokens("  O1  k v "u8);
        var seen = new List<string>();
        while (tokens.TryNext(out byte flag, out var token))
            seen.Add((char)flag + ":" + Encoding.ASCII.GetString(token));
        Assert.Equal(["O:O1", "k:k", "v:v"], seen);
    }
}
