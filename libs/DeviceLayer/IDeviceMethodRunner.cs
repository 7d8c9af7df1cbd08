using IotHubJobs.Contracts.Devices;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// The one step that differs between device layers: running a method call on a device (device-sim: a simulated
/// device steered by its twin tags; device-gateway: a real device over MQTT). Everything around it — claims, the
/// record-then-run rule, answers from the record — is <see cref="DeviceCalls"/>.
/// </summary>
public interface IDeviceMethodRunner
{
    /// <summary>Prepares the calls of one delivery before they are recorded (loads what running them needs).</summary>
    Task<PreparedCalls> PrepareAsync(IReadOnlyList<DeviceMethodCall> calls, CancellationToken ct);
}
