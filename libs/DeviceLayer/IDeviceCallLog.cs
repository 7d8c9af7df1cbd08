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
    /// Records the calls not recorded before, in the caller's transaction, each with its outcome when
    /// <see cref="PreparedCalls.AnsweredAtOnce"/> has it; returns the devices whose call is new (only those may run). When
    /// another delivery records the same call and device at the same moment, this fails with a unique violation once
    /// that one commits (<see cref="DeviceCalls"/> then records again and finds the call recorded).
    /// <see cref="PreparedCalls.Reachable"/> are the devices known to run the call before it starts, for a log that counts
    /// executions.
    /// </summary>
    Task<HashSet<string>> RecordReceivedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid callId,
        IReadOnlyList<DeviceMethodCall> calls, PreparedCalls prepared, DateTimeOffset at);

    Task RecordOutcomesAsync(Guid callId, IReadOnlyList<DeviceMethodOutcome> outcomes);

    /// <summary>Which of these devices have a record of this call, with its outcome (null while none was recorded).</summary>
    Task<Dictionary<string, DeviceMethodOutcome?>> RecordedAsync(Guid callId, IReadOnlyCollection<string> deviceIds);
}
