using IotHubJobs.Contracts.Devices;
using Npgsql;

namespace DeviceSim.Methods;

/// <summary>Records every method call that reached a simulated device, so tests can count invocations per job.</summary>
public sealed class InvocationLog(NpgsqlDataSource dataSource)
{
    public async Task RecordAsync(IReadOnlyList<DeviceMethodCall> calls, DateTimeOffset at, CancellationToken ct)
    {
        if (calls.Count == 0) return;
        await using var cmd = dataSource.CreateCommand("""
            insert into devicesim.invocations (job_id, device_id, method_name, invoked_at)
            select * from unnest($1::text[], $2::text[], $3::text[]) as c(job_id, device_id, method_name), (select $4::timestamptz) t
            """);
        cmd.Parameters.AddWithValue(calls.Select(c => c.JobId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.MethodName).ToArray());
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
