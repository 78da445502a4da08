using System.Buffers.Binary;
using Hoard.Protocol.Binary;

namespace Hoard.Protocol.Tests.Binary;

public class BinaryRequestParserTests
{
    internal static byte[] Frame(BinaryOpcode opcode, byte[]? extras = null, byte[]? key = null, byte[]? value = null,
        uint opaque = 0, ulong cas = 0, byte magic = 0x80, uint? bodyLength = null)
    {
        extras ??= [];
        key ??= [];
        value ??= [];
        var frame = new byte[24 + extras.Length + key.Length + value.Length];
        frame[0] = magic;
        frame[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)key.Length);
        frame[4] = (byte)extras.Length;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), bodyLength ?? (uint)(extras.Length + key.Length + value.Length));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), opaque);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(16), cas);
        extras.CopyTo(frame, 24);
        key.CopyTo(frame, 24 + extras.Length);
        value.CopyTo(frame, 24 + extras.Length + key.Length);
        return frame;
    }

    [Fact]
    public void Set_request_is_parsed_into_header_extras_key_and_value()
    {
        var extras = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(extras, 0xdeadbeef);
        BinaryPrimitives.WriteUInt32BigEndian(extras.AsSpan(4), 300);
        var frame = Frame(BinaryOpcode.Set, extras, "key"u8.ToArray(), "value"u8.ToArray(), opaque: 0x01020304, cas: 0x1122334455667788);

        Assert.Equal(BinaryParseStatus.Complete, BinaryRequestParser.TryParse(frame, out var request));
        Assert.Equal(BinaryOpcode.Set, request.Opcode);
        Assert.Equal(3, request.Header.KeyLength);
        Assert.Equal(8, request.Header.ExtrasLength);
        Assert.Equal(16u, request.Header.BodyLength);
        Assert.Equal(0x01020304u, request.Header.Opaque);
        Assert.Equal(0x1122334455667788ul, request.Header.Cas);
        Assert.Equal(5, request.Header.ValueLength);
        Assert.Equal(frame.Length, request.Header.FrameLength);
        Assert.Equal(extras, request.Extras.ToArray());
        Assert.Equal("key"u8.ToArray(), request.Key.ToArray());
        Assert.Equal("value"u8.ToArray(), request.Value.ToArray());
    }

    [Fact]
    public void Every_prefix_of_a_frame_is_incomplete()
    {
        var frame = Frame(BinaryOpcode.Append, key: "k"u8.ToArray(), value: "tail"u8.ToArray());
        for (int length = 0; length < frame.Length; length++)
            Assert.Equal(BinaryParseStatus.Incomplete, BinaryRequestParser.TryParse(frame.AsSpan(0, length), out _));
        Assert.Equal(BinaryParseStatus.Complete, BinaryRequestParser.TryParse(frame, out _));
    }

    [Fact]
    public void Header_is_readable_before_the_body_arrives()
    {
        var frame = Frame(BinaryOpcode.Set, new byte[8], "k"u8.ToArray(), new byte[1000]);
        Assert.Equal(BinaryParseStatus.Complete, BinaryRequestParser.TryReadHeader(frame.AsSpan(0, 24), out var header));
        Assert.Equal(1000, header.ValueLength);
        Assert.Equal(24 + 8 + 1, header.PrefixLength);
        Assert.Equal(BinaryParseStatus.Incomplete, BinaryRequestParser.TryParse(frame.AsSpan(0, 100), out _));
    }

    [Fact]
    public void A_second_frame_after_the_first_is_left_alone()
    {
        var first = Frame(BinaryOpcode.Noop, opaque: 1);
        var both = first.Concat(Frame(BinaryOpcode.Version, opaque: 2)).ToArray();
        Assert.Equal(BinaryParseStatus.Complete, BinaryRequestParser.TryParse(both, out var request));
        Assert.Equal(BinaryOpcode.Noop, request.Opcode);
        Assert.Equal(first.Length, request.Header.FrameLength);
    }

    [Theory]
    [InlineData((byte)0x81)]
    [InlineData((byte)'g')]
    [InlineData((byte)0x00)]
    public void Wrong_magic_is_refused_from_the_first_byte(byte magic)
    {
        var frame = Frame(BinaryOpcode.Noop, magic: magic);
        Assert.Equal(BinaryParseStatus.BadMagic, BinaryRequestParser.TryParse(frame.AsSpan(0, 1), out _));
        Assert.Equal(BinaryParseStatus.BadMagic, BinaryRequestParser.TryParse(frame, out _));
    }

    [Fact]
    public void Extras_and_key_longer_than_the_body_are_bad_lengths()
    {
        var frame = Frame(BinaryOpcode.Get, key: "key"u8.ToArray(), bodyLength: 2);
        Assert.Equal(BinaryParseStatus.BadLengths, BinaryRequestParser.TryReadHeader(frame, out _));
        Assert.Equal(BinaryParseStatus.BadLengths, BinaryRequestParser.TryParse(frame, out _));
    }

    [Fact]
    public void Huge_body_length_is_incomplete_not_an_overflow()
    {
        var frame = Frame(BinaryOpcode.Set, new byte[8], "k"u8.ToArray(), bodyLength: uint.MaxValue);
        Assert.Equal(BinaryParseStatus.Complete, BinaryRequestParser.TryReadHeader(frame, out var header));
        Assert.Equal(24L + uint.MaxValue, header.FrameLength);
        Assert.Equal((long)uint.MaxValue - 9, header.ValueLength);
        Assert.Equal(BinaryParseStatus.Incomplete, BinaryRequestParser.TryParse(frame, out _));
    }

    [Fact]
    public void Random_bytes_never_throw_and_always_get_a_defined_status()
    {
        var random = new Random(20261122);
        var buffer = new byte[512];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            // Half the inputs start like a request so that lengths, not just the magic, are exercised.
            if (length > 0 && i % 2 == 0)
                buffer[0] = BinaryRequestHeader.RequestMagic;
            if (length >= 12 && i % 4 == 0)
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), (uint)random.Next(0, 600));
            var span = buffer.AsSpan(0, length);
            var status = BinaryRequestParser.TryParse(span, out var request);
            Assert.True(Enum.IsDefined(status));
            if (status == BinaryParseStatus.Complete)
            {
                Assert.True(request.Header.FrameLength <= length);
                Assert.Equal(request.Header.BodyLength, (uint)(request.Extras.Length + request.Key.Length + request.Value.Length));
            }
            if (status == BinaryParseStatus.Complete || BinaryRequestParser.TryReadHeader(span, out _) == BinaryParseStatus.Complete)
                _ = BinaryOpcodes.HasValidShape(BinaryRequestHeader.Read(span));
        }
    }

    [Theory]
    [InlineData(BinaryOpcode.Get, 0, 3, 0, true)]
    [InlineData(BinaryOpcode.Get, 4, 3, 0, false)]
    [InlineData(BinaryOpcode.Get, 0, 0, 0, false)]
    [InlineData(BinaryOpcode.GetKQ, 0, 3, 1, false)]
    [InlineData(BinaryOpcode.Set, 8, 3, 10, true)]
    [InlineData(BinaryOpcode.SetQ, 0, 3, 10, false)]
    [InlineData(BinaryOpcode.Add, 8, 251, 0, false)]
    [InlineData(BinaryOpcode.Add, 8, 250, 0, true)]
    [InlineData(BinaryOpcode.AppendQ, 0, 1, 5, true)]
    [InlineData(BinaryOpcode.Append, 8, 1, 5, false)]
    [InlineData(BinaryOpcode.Increment, 20, 1, 0, true)]
    [InlineData(BinaryOpcode.DecrementQ, 3, 1, 0, false)]
    [InlineData(BinaryOpcode.Flush, 0, 0, 0, true)]
    [InlineData(BinaryOpcode.FlushQ, 4, 0, 0, true)]
    [InlineData(BinaryOpcode.Flush, 2, 0, 0, false)]
    [InlineData(BinaryOpcode.Noop, 0, 0, 1, false)]
    [InlineData(BinaryOpcode.Version, 0, 1, 0, false)]
    [InlineData(BinaryOpcode.Stat, 0, 8, 0, true)]
    [InlineData(BinaryOpcode.Stat, 4, 0, 0, false)]
    [InlineData(BinaryOpcode.Touch, 4, 1, 0, true)]
    [InlineData(BinaryOpcode.GetAndTouchKQ, 0, 1, 0, false)]
    [InlineData(BinaryOpcode.Verbosity, 4, 0, 0, true)]
    [InlineData(BinaryOpcode.SaslAuthenticate, 0, 5, 20, true)]
    [InlineData(BinaryOpcode.SaslAuthenticate, 0, 0, 20, false)]
    [InlineData(BinaryOpcode.SaslListMechanisms, 0, 0, 0, true)]
    public void Shape_rules_follow_the_opcode(BinaryOpcode opcode, int extras, int key, int value, bool valid)
    {
        var header = new BinaryRequestHeader(opcode, (ushort)key, (byte)extras, 0, 0, (uint)(extras + key + value), 0, 0);
        Assert.Equal(valid, BinaryOpcodes.HasValidShape(in header));
    }

    [Fact]
    public void Quiet_opcodes_map_to_their_loud_forms()
    {
        Assert.Equal(BinaryOpcode.Set, BinaryOpcodes.Loud(BinaryOpcode.SetQ));
        Assert.Equal(BinaryOpcode.GetK, BinaryOpcodes.Loud(BinaryOpcode.GetKQ));
        Assert.Equal(BinaryOpcode.GetAndTouchK, BinaryOpcodes.Loud(BinaryOpcode.GetAndTouchKQ));
        Assert.True(BinaryOpcodes.IsQuiet(BinaryOpcode.QuitQ));
        Assert.False(BinaryOpcodes.IsQuiet(BinaryOpcode.Noop));
        Assert.True(BinaryOpcodes.IsStorage(BinaryOpcode.PrependQ));
        Assert.False(BinaryOpcodes.IsStorage(BinaryOpcode.Increment));
        Assert.False(BinaryOpcodes.IsKnown((BinaryOpcode)0x1f));
        Assert.False(BinaryOpcodes.IsKnown((BinaryOpcode)0x25));
        Assert.True(BinaryOpcodes.IsKnown(BinaryOpcode.GetAndTouchKQ));
    }
}
