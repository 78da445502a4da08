namespace Hoard.Protocol.Meta;

/// <summary>
/// The flags of one meta command, validated by <see cref="MetaFlagParser"/>. Spans point into the receive buffer
/// (and the key into the caller's decode buffer), so the struct lives only while the command is handled.
/// Return flags are written in request order by walking <see cref="Arguments"/> again with <see cref="MetaFlagTokens"/>.
/// </summary>
#pragma warning disable CA1051 // Fields, not properties: filled in place by the parser on the hot path.
public ref struct MetaFlags
{
    /// <summary>One bit per flag letter; see <see cref="Has"/>.</summary>
    public ulong Present;
    /// <summary>The key to use: the token as sent, or its decoding when <c>b</c> is given.</summary>
    public ReadOnlySpan<byte> Key;
    /// <summary>The flag tokens as sent, space separated.</summary>
    public ReadOnlySpan<byte> Arguments;
    /// <summary>The whole <c>O</c> token, letter included (it is echoed as is).</summary>
    public ReadOnlySpan<byte> Opaque;
    /// <summary><c>T</c>: exptime in memcached's form (32-bit, as memcached truncates it).</summary>
    public int Exptime;
    /// <summary><c>N</c>: exptime of an item created on a miss.</summary>
    public int VivifyExptime;
    /// <summary><c>R</c>: recache threshold in seconds.</summary>
    public int RecacheThreshold;
    /// <summary><c>F</c>: client flags.</summary>
    public uint ClientFlags;
    /// <summary><c>C</c>: compare-and-swap token.</summary>
    public ulong CompareCas;
    /// <summary><c>E</c>: explicit CAS value for the new item.</summary>
    public ulong NewCas;
    /// <summary><c>D</c>: arithmetic delta.</summary>
    public ulong Delta;
    /// <summary><c>J</c>: initial value of a counter created by <c>N</c>.</summary>
    public ulong InitialValue;
    /// <summary><c>M</c>: the mode character (0 when absent).</summary>
    public byte Mode;

    public readonly bool Has(byte flag) => (Present & MetaFlagParser.Bit(flag)) != 0;

    public readonly bool KeyIsBinary => Has((byte)'b');

    public readonly bool Quiet => Has((byte)'q');

    /// <summary>memcached refuses an <c>O</c> token longer than 32 bytes (letter included) when it writes the reply.</summary>
    public readonly bool OpaqueTooLong => Opaque.Length > MetaFlagParser.MaxOpaqueLength;
}
#pragma warning restore CA1051

/// <summary>Walks flag tokens in request order; the flag is the first byte of each token.</summary>
public ref struct MetaFlagTokens
{
    private Text.KeyTokenizer _tokens;

    public MetaFlagTokens(ReadOnlySpan<byte> arguments) => _tokens = new Text.KeyTokenizer(arguments);

    public bool TryNext(out byte flag, out ReadOnlySpan<byte> token)
    {
        if (!_tokens.TryNext(out token))
        {
            flag = 0;
            return false;
        }
        flag = token[0];
        return true;
    }
}
