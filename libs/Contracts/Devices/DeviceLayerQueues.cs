namespace IotHubJobs.Contracts.Devices;

/// <summary>Where the device layer takes its calls: queue names are part of the wire contract, like the messages.</summary>
public static class DeviceLayerQueues
{
    /// <summary>device-sim's queue, for the simulated devices it holds (direct calls and job deliveries alike).</summary>
    public const string SimulatedDevices = "call-device-methods";

    /// <summary>
    /// The queue on which the device-gateway instance whose call queue is <paramref name="holderQueue"/> (as presence names
    /// it) takes the desired-property changes of the devices it holds.
    /// </summary>
    public static string DesiredChangesOf(string holderQueue) => $"{holderQueue}-desired-changes";
}
