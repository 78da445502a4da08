namespace Hoard.Client.Values;

/// <summary>
/// What the 32-bit client flags of an item say about its bytes. The low bits are those python-memcached and
/// pymemcache use, so values written by Hoard.Client read naturally there and the other way round:
/// text is UTF-8 (16), integers are decimal ASCII (2), and compressed values are zlib streams (8), as those
/// clients write them. Objects serialized by Hoard.Client (JSON by default) carry Hoard's own bit.
/// </summary>
[Flags]
public enum ValueEncoding : uint
{
    /// <summary>Raw bytes.</summary>
    Bytes = 0,
    /// <summary>Python pickle (python-memcached/pymemcache); Hoard.Client cannot read it.</summary>
    Pickle = 1,
    /// <summary>A decimal integer in ASCII.</summary>
    DecimalInteger = 2,
    /// <summary>A decimal integer (Python 2's long).</summary>
    DecimalLong = 4,
    /// <summary>The bytes are zlib-compressed (the other bits describe them once decompressed).</summary>
    Compressed = 8,
    /// <summary>UTF-8 text.</summary>
    Text = 16,
    /// <summary>Hoard.Client: an object in the serializer's format (JSON by default).</summary>
    Serialized = 0x100,
}
