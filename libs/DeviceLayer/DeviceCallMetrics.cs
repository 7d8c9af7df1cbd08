using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace IotHubJobs.DeviceLayer;

/// <summary>Deliveries of a call id seen before (the broker delivered it again, or it was sent twice): answered, nothing run.</summary>
public static class DeviceCallMetrics
{
    private static readonly Counter<long> Repeated = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_calls.repeated", description: "Deliveries of a call id seen before, answered without running anything");

    public static void RecordRepeatedDelivery() => Repeated.Add(1);
}
