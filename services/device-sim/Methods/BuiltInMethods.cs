using System.Text.Json.Nodes;

namespace DeviceSim.Methods;

/// <summary>What a simulated device answers: <c>reboot</c>, <c>echo</c>, and 501 for methods it does not implement.</summary>
public static class BuiltInMethods
{
    public static (int Status, string? PayloadJson) Answer(string methodName, string? payloadJson, int configuredStatus) => methodName switch
    {
        "reboot" => (configuredStatus, new JsonObject { ["rebooted"] = true }.ToJsonString()),
        "echo" => (configuredStatus, payloadJson),
        _ => (501, new JsonObject { ["message"] = $"Method '{methodName}' is not implemented by this device." }.ToJsonString()),
    };
}
