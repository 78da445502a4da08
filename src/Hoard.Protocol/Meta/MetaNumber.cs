namespace Hoard.Protocol.Meta;

/// <summary>
/// memcached's <c>safe_strtol</c>, <c>safe_strtoul</c> and <c>safe_strtoull</c> (util.c) over a flag token, quirks
/// included: a sign is accepted, 32-bit results are truncated from the 64-bit parse, and a negative number is
/// refused by the unsigned parsers only when its two's complement has the top bit set.
/// </summary>
public static class MetaNumber
{
    /// <summary><c>safe_strtol</c>: a 64-bit signed parse truncated to 32 bits (exptimes, <c>T N R</c>).</summary>
    public static bool TryParseInt32(ReadOnlySpan<byte> token, out int value)
    {
        value = 0;
        if (!TryParseMagnitude(token, out bool negative, out ulong magnitude))
            return false;
        if (negative ? magnitude > 1UL << 63 : magnitude > long.MaxValue)
            return false;  // strtol's ERANGE
        long parsed = negative ? (long)(0 - magnitude) : (long)magnitude;
        value = unchecked((int)parsed);
        return true;
    }

    /// <summary><c>safe_strtoul</c> on a 64-bit build: parsed as 64 bits, then truncated to 32 (client flags <c>F</c>).</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> token, out uint value)
    {
        value = 0;
        if (!TryParseUInt64(token, out ulong parsed))
            return false;
        value = unchecked((uint)parsed);
        return true;
    }

    /// <summary><c>safe_strtoull</c>: CAS values, deltas and initial values (<c>C E D J</c>).</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> token, out ulong value)
    {
        value = 0;
        if (!TryParseMagnitude(token, out bool negative, out ulong magnitude))
            return false;
        ulong parsed = negative ? 0 - magnitude : magnitude;
        if ((long)parsed < 0 && negative)
            return false;
        value = parsed;
        return true;
    }

    // strtoull's grammar: optional leading white space, an optional sign, decimal digits; the number must end
    // the token or be followed by white space. Overflow is an error (ERANGE).
    private static bool TryParseMagnitude(ReadOnlySpan<byte> token, out bool negative, out ulong magnitude)
    {
        negative = false;
        magnitude = 0;
        int i = 0;
        while (i < token.Length && IsSpace(token[i]))
            i++;
        if (i < token.Length && token[i] is (byte)'+' or (byte)'-')
        {
            negative = token[i] == (byte)'-';
            i++;
        }
        int digitsStart = i;
        while (i < token.Length && token[i] is >= (byte)'0' and <= (byte)'9')
        {
            ulong digit = (ulong)(token[i] - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10)
                return false;
            magnitude = (magnitude * 10) + digit;
            i++;
        }
        if (i == digitsStart)
            return false;
        return i == token.Length || IsSpace(token[i]);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
