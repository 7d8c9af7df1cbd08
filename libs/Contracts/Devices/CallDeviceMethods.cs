namespace IotHubJobs.Contracts.Devices;

/// <summary>
/// Ask the device connection layer to call methods on many devices at once, the way a protocol gateway
/// multiplexes device links; each call keeps its own timeouts and gets its own outcome.
/// </summary>
public sealed record CallDeviceMethods(IReadOnlyList<DeviceMethodCall> Calls);
