namespace Hoard.Protocol.Meta;

/// <summary>
/// Base64 as memcached's meta <c>b</c> flag uses it (base64.c, after Jouni Malinen): decoding skips characters
/// outside the alphabet, needs a multiple of four alphabet characters and stops after the first padded block;
/// encoding is standard base64 with padding.
/// </summary>
public static class MetaBase64
{
    private const byte Invalid = 0x80;

    private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    /// <summary>Longest encoding of a key of <paramref name="length"/> bytes.</summary>
    public static int EncodedLength(int length) => (length + 2) / 3 * 4;

    /// <summary>Decodes into <paramref name="destination"/>; the decoded length, or 0 when memcached would refuse the token.</summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int count = 0;
        foreach (byte b in source)
        {
            if (Value(b) != Invalid)
                count++;
        }
        if (count == 0 || count % 4 != 0 || count / 4 * 3 > destination.Length)
            return 0;

        Span<byte> block = stackalloc byte[4];
        int position = 0;
        int pad = 0;
        count = 0;
        foreach (byte b in source)
        {
            byte value = Value(b);
            if (value == Invalid)
                continue;
            if (b == (byte)'=')
                pad++;
            block[count++] = value;
            if (count < 4)
                continue;
            destination[position++] = (byte)((block[0] << 2) | (block[1] >> 4));
            destination[position++] = (byte)((block[1] << 4) | (block[2] >> 2));
            destination[position++] = (byte)((block[2] << 6) | block[3]);
            count = 0;
            if (pad == 0)
                continue;
            if (pad > 2)
                return 0;  // invalid padding
            position -= pad;
            break;
        }
        return position;
    }

    /// <summary>Encodes <paramref name="source"/>; <paramref name="destination"/> holds at least <see cref="EncodedLength"/> bytes.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var alphabet = Alphabet;
        int position = 0;
        int i = 0;
        for (; source.Length - i >= 3; i += 3)
        {
            destination[position++] = alphabet[source[i] >> 2];
            destination[position++] = alphabet[((source[i] & 0x03) << 4) | (source[i + 1] >> 4)];
            destination[position++] = alphabet[((source[i + 1] & 0x0f) << 2) | (source[i + 2] >> 6)];
            destination[position++] = alphabet[source[i + 2] & 0x3f];
        }
        int rest = source.Length - i;
        if (rest > 0)
        {
            destination[position++] = alphabet[source[i] >> 2];
            if (rest == 1)
            {
                destination[position++] = alphabet[(source[i] & 0x03) << 4];
                destination[position++] = (byte)'=';
            }
            else
            {
                destination[position++] = alphabet[((source[i] & 0x03) << 4) | (source[i + 1] >> 4)];
                destination[position++] = alphabet[(source[i + 1] & 0x0f) << 2];
            }
            destination[position++] = (byte)'=';
        }
        return position;
    }

    private static byte Value(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => (byte)(b - 'A'),
        >= (byte)'a' and <= (byte)'z' => (byte)(b - 'a' + 26),
        >= (byte)'0' and <= (byte)'9' => (byte)(b - '0' + 52),
        (byte)'+' => 62,
        (byte)'/' => 63,
        (byte)'=' => 0,
        _ => Invalid,
    };
}
