using IotHubJobs.Contracts.Devices;
using Npgsql;

namespace DeviceSim.Methods;

/// <summary>
/// Records every method call that reached a simulated device, so tests can count invocations per job. A device runs
/// each request once: a request delivered again with the same call id is recorded (and run) only the first time.
/// </summary>
public sealed class InvocationLog(NpgsqlDataSource dataSource)
{
    public async Task RecordAsync(Guid callId, IReadOnlyList<DeviceMethodCall> calls, DateTimeOffset at, CancellationToken ct)
    {
        if (calls.Count == 0) return;
        await using var cmd = dataSource.CreateCommand("""
            insert into devicesim.invocations (job_id, device_id, method_name, invoked_at, call_id)
            select c.job_id, c.device_id, c.method_name, $4, $5
              from unnest($1::text[], $2::text[], $3::text[]) as c(job_id, device_id, method_name)
            on conflict (call_id, device_id) do nothing
            """);
        cmd.Parameters.AddWithValue(calls.Select(c => c.JobId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.MethodName).ToArray());
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        cmd.Parameters.AddWithValue(callId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
