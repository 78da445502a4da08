using System.Buffers;
using System.Text.Json;

namespace Hoard.Client.Values;

/// <summary>System.Text.Json, with the options given (web defaults when none).</summary>
public sealed class JsonCacheSerializer(JsonSerializerOptions? options = null) : ICacheSerializer
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    public void Serialize<T>(T value, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, value, _options);
    }

    public T? Deserialize<T>(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize<T>(data, _options);
}
