using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace DeviceGateway;

/// <summary>What the device gateway counts (exported with every other metric, libs/ServiceDefaults/Telemetry.cs).</summary>
public static class GatewayMetrics
{
    private static readonly Counter<long> Connects = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_gateway.connects", description: "CONNECTs by result (accepted, bad_credentials, not_authorized, throttled, malformed)");
    private static readonly Counter<long> TelemetryDropped = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_gateway.telemetry_dropped", description: "Device-to-cloud messages acknowledged and dropped: telemetry is not supported");
    private static readonly Counter<long> Refused = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_gateway.refused", description: "Device packets refused, by reason");
    private static readonly Counter<long> MethodRequests = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_gateway.method_requests", description: "Method requests sent to devices");
    private static readonly Counter<long> DesiredSent = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_gateway.desired_notifications", description: "Desired-property notifications sent to devices");

    public static void Connect(string result) => Connects.Add(1, new KeyValuePair<string, object?>("result", result));
    public static void TelemetryDrop() => TelemetryDropped.Add(1);
    public static void Refusal(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public static void MethodRequestSent() => MethodRequests.Add(1);
    public static void DesiredNotificationSent() => DesiredSent.Add(1);

    /// <summary>Devices connected to this instance, observed when metrics are read.</summary>
    public static void ObserveConnections(Func<int> count) =>
        Telemetry.Meter.CreateObservableGauge("iothub.device_gateway.connections", count, description: "Devices connected to this instance");
}
