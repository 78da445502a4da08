using System.Buffers;

namespace Hoard.Client.Values;

/// <summary>Turns objects into bytes and back; <see cref="JsonCacheSerializer"/> is the default.</summary>
public interface ICacheSerializer
{
    void Serialize<T>(T value, IBufferWriter<byte> output);

    T? Deserialize<T>(ReadOnlySpan<byte> data);
}
