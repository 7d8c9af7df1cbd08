using System.Text;
using System.Text.Json;
using IotHubJobs.Contracts.Devices;

namespace DeviceGateway.Methods;

/// <summary>
/// A device's answer to a method call as the call's outcome (docs/devices.md, "Direct methods"): any status it sends is
/// its answer; an empty body is <c>null</c> (Node's <c>send(200)</c> sends none); a body that is not JSON is kept as a
/// JSON string, so the caller still sees what the device said. An answer over 128 KB is no answer: IoT Hub's limit for
/// a method payload, both ways.
/// </summary>
public static class MethodAnswer
{
    public const int MaxPayloadBytes = 128 * 1024;

    public static DeviceMethodOutcome? From(string deviceId, int status, ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxPayloadBytes) return null;
        if (body.IsEmpty || body.IsWhiteSpace()) return new DeviceMethodOutcome(deviceId, DeviceMethodOutcomeKind.Responded, status, null);
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return new DeviceMethodOutcome(deviceId, DeviceMethodOutcomeKind.Responded, status, document.RootElement.GetRawText());
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body);
            return new DeviceMethodOutcome(deviceId, DeviceMethodOutcomeKind.Responded, status, JsonSerializer.Serialize(text));
        }
    }

    private static bool IsWhiteSpace(this ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }
}
