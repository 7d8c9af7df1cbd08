using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>Size of a twin section as IoT Hub counts it: compact JSON without <c>$metadata</c> and <c>$version</c>.</summary>
public static class SectionSize
{
    public static int Of(JsonObject section)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in section)
            {
                if (TwinKeys.IsSystem(key)) continue;
                writer.WritePropertyName(key);
                if (value is null) writer.WriteNullValue();
                else value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenCount;
    }

    /// <summary>The section's values without the service's bookkeeping, as a device or a client sees its content.</summary>
    public static JsonObject Values(JsonObject section)
    {
        var values = new JsonObject();
        foreach (var (key, value) in section)
            if (!TwinKeys.IsSystem(key)) values[key] = value?.DeepClone();
        return values;
    }
}
