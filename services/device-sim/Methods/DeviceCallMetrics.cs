using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace DeviceSim.Methods;

/// <summary>Deliveries of calls that the broker handed over again (not acknowledged before a connection dropped).</summary>
public static class DeviceCallMetrics
{
    private static readonly Counter<long> Redeliveries = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_calls.redelivered", description: "Call deliveries the broker redelivered to the device layer");

    public static void RecordRedelivery() => Redeliveries.Add(1);
}
