using System.Text;
using Hoard.Protocol.Meta;

namespace Hoard.Protocol.Tests.Meta;

public sealed class MetaRequestWriterTests
{
    private static string Write(Action<OutputBuffer> write)
    {
        using var output = new OutputBuffer();
        write(output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Set_line_with_flags_and_data()
    {
        var text = Write(o =>
        {
            MetaRequestWriter.Begin(o, MetaRequestWriter.Set, "user:1"u8);
            MetaRequestWriter.Size(o, 5);
            MetaRequestWriter.KeyFlag(o, "user:1"u8);
            MetaRequestWriter.Flag(o, 'T', 60L);
            MetaRequestWriter.Flag(o, 'F', 3L);
            MetaRequestWriter.Flag(o, 'C', 12345UL);
            MetaRequestWriter.Mode(o, 'E');
            MetaRequestWriter.Flag(o, 'q');
            MetaRequestWriter.End(o);
            MetaRequestWriter.Data(o, "hello"u8);
            MetaRequestWriter.NoOp(o);
        });
        Assert.Equal("ms user:1 5 T60 F3 C12345 ME q\r\nhello\r\nmn\r\n", text);
    }

    [Fact]
    public void A_key_with_spaces_or_control_bytes_is_sent_base64_with_the_b_flag()
    {
        var text = Write(o =>
        {
            MetaRequestWriter.Begin(o, MetaRequestWriter.Get, "a b\n"u8);
            MetaRequestWriter.KeyFlag(o, "a b\n"u8);
            MetaRequestWriter.Flag(o, 'v');
            MetaRequestWriter.End(o);
        });
        Assert.Equal("mg YSBiCg== b v\r\n", text);
    }

    [Fact]
    public void Keys_that_cannot_be_sent_are_refused()
    {
        using var output = new OutputBuffer();
        Assert.Throws<ArgumentException>(() => MetaRequestWriter.Begin(output, MetaRequestWriter.Get, ""u8));
        Assert.Throws<ArgumentException>(() => MetaRequestWriter.Begin(output, MetaRequestWriter.Get, new byte[300]));
        Assert.True(MetaRequestWriter.IsValidKey(new byte[250].AsSpan().ToArray().Select(_ => (byte)'k').ToArray()));
        Assert.False(MetaRequestWriter.IsValidKey(Enumerable.Repeat((byte)'k', 251).ToArray()));
    }
}
