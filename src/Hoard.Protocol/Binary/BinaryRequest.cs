namespace Hoard.Protocol.Binary;

/// <summary>A complete binary request: its header and views of its body in the receive buffer.</summary>
public readonly ref struct BinaryRequest
{
    public BinaryRequest(BinaryRequestHeader header, ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Header = header;
        Extras = extras;
        Key = key;
        Value = value;
    }

    public BinaryRequestHeader Header { get; }
    public ReadOnlySpan<byte> Extras { get; }
    public ReadOnlySpan<byte> Key { get; }
    public ReadOnlySpan<byte> Value { get; }
    public BinaryOpcode Opcode => Header.Opcode;
}
