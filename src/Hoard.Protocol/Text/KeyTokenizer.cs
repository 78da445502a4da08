namespace Hoard.Protocol.Text;

/// <summary>Walks space-separated tokens without allocating.</summary>
public ref struct KeyTokenizer
{
    private ReadOnlySpan<byte> _rest;

    public KeyTokenizer(ReadOnlySpan<byte> tokens) => _rest = tokens;

    public ReadOnlySpan<byte> Remaining => _rest;

    public bool TryNext(out ReadOnlySpan<byte> token)
    {
        int start = 0;
        while (start < _rest.Length && _rest[start] == (byte)' ')
            start++;
        if (start == _rest.Length)
        {
            token = default;
            _rest = default;
            return false;
        }
        var rest = _rest[start..];
        int end = rest.IndexOf((byte)' ');
        if (end < 0)
        {
            token = rest;
            _rest = default;
        }
        else
        {
            token = rest[..end];
            _rest = rest[(end + 1)..];
        }
        return true;
    }
}
