namespace IotHubJobs.Contracts.Devices;

/// <summary>The reply to <see cref="CallDeviceMethods"/>: one outcome per call, in any order.</summary>
public sealed record DeviceMethodsCalled(Guid CallId, IReadOnlyList<DeviceMethodOutcome> Outcomes);
