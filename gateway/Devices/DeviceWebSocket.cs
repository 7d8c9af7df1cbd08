using Yarp.ReverseProxy.Model;

namespace Gateway.Devices;

/// <summary>
/// MQTT over WebSocket at <c>wss://{host}/$iothub/websocket</c> (docs/devices.md, "Transports"), proxied to the device
/// gateway. Devices authenticate inside the MQTT CONNECT, not with an Authorization header, so the service SAS check,
/// the api-version check and the per-policy rate limit do not apply to this route (its YARP route id).
/// </summary>
public static class DeviceWebSocket
{
    public const string RouteId = "device-mqtt";

    public static bool IsDeviceConnection(this HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId == RouteId;
}
