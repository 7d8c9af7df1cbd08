using IotHubJobs.Contracts.Devices;
using Npgsql;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// A device layer's own record of the calls it received, one row per call id and device with the outcome once known
/// (device-sim: <c>devicesim.calls</c>; device-gateway: <c>devicegateway.calls</c>). Each component owns its table;
/// <see cref="DeviceCalls"/> decides with it whether a delivery is new: a call is recorded before it runs, so a
/// delivery of the same call id again runs nothing (docs/architecture.md, decision 4).
/// </summary>
public interface IDeviceCallLog
{
    /// <summary>
    /// Records the calls not recorded before, in the caller's transaction; returns the devices whose call is new (only
    /// those may run). <paramref name="reachable"/> are the devices known to run the call before it starts
    /// (<see cref="PreparedCalls.Reachable"/>), for a log that counts executions.
    /// </summary>
    Task<HashSet<string>> RecordReceivedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid callId,
        IReadOnlyList<DeviceMethodCall> calls, IReadOnlySet<string> reachable, DateTimeOffset at);

    Task RecordOutcomesAsync(Guid callId, IReadOnlyList<DeviceMethodOutcome> outcomes);

    /// <summary>Which of these devices have a record of this call, with its outcome (null while none was recorded).</summary>
    Task<Dictionary<string, DeviceMethodOutcome?>> RecordedAsync(Guid callId, IReadOnlyCollection<string> deviceIds);
}
