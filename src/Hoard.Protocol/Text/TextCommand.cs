namespace Hoard.Protocol.Text;

/// <summary>
/// One parsed command. Every span points into the receive buffer and is valid only until that buffer is
/// reused, so the command is handled in place and never copied.
/// </summary>
#pragma warning disable CA1051 // Fields, not properties: the parser fills them in place with out arguments on the hot path.
public ref struct TextCommand
{
    public TextCommandKind Kind;
    /// <summary>The command word as sent (for meta commands and error messages).</summary>
    public ReadOnlySpan<byte> Name;
    public ReadOnlySpan<byte> Key;
    /// <summary>get/gets/gat/gats: the keys, separated by spaces. Read them with <see cref="KeyTokenizer"/>.</summary>
    public ReadOnlySpan<byte> Keys;
    /// <summary>Tokens after the key (meta flags, stats arguments, verbosity level ...), space separated.</summary>
    public ReadOnlySpan<byte> Arguments;
    /// <summary>The data block of storage commands, without its trailing CRLF.</summary>
    public ReadOnlySpan<byte> Value;
    public uint Flags;
    public long Exptime;
    public int ValueLength;
    public ulong CasUnique;
    public ulong Delta;
    public bool NoReply;
    public ProtocolError Error;
    /// <summary>After an error on a storage command whose data was refused: data bytes still to discard.</summary>
    public long SwallowBytes;
}
#pragma warning restore CA1051
