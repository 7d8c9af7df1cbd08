using System.Text.Json.Nodes;

namespace DeviceGateway.Twins;

/// <summary>
/// A failed twin request's body: <c>{"errorCode": …, "message": …}</c>. Node's SDK ignores the status in the topic and
/// fails a request only when the body has <c>errorCode</c> (docs/devices.md, "Twins").
/// </summary>
public static class TwinError
{
    public static string Body(int errorCode, string message) =>
        new JsonObject { ["errorCode"] = errorCode, ["message"] = message }.ToJsonString();
}
