namespace IotHubJobs.Contracts.Devices;

/// <summary>
/// Tells the device connection layer that the desired properties of many devices changed; one message per chunk,
/// the way a protocol gateway forwards updates for all devices behind one link.
/// </summary>
public sealed record DesiredPropertiesChanged(IReadOnlyList<DeviceDesiredProperties> Devices);
