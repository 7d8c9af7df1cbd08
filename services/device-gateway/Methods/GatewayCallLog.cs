using System.Text.Json;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceLayer;
using Npgsql;

namespace DeviceGateway.Methods;

/// <summary>
/// device-gateway's record of the calls it received (<c>devicegateway.calls</c>, Database/devicegateway.sql): one row
/// per call id and device, with the outcome once known. A call is recorded before anything is sent to the device, so
/// a delivery of the same call id again sends nothing (libs/DeviceLayer/DeviceCalls.cs). Every instance writes its own
/// rows into the one table; a call id is unique, whichever instance got it.
/// </summary>
public sealed class GatewayCallLog(NpgsqlDataSource dataSource) : IDeviceCallLog
{
    /// <summary>
    /// Records the calls not recorded before, in the caller's transaction (with the outcomes known at once: a real
    /// device's never are); returns the devices whose call is new. As in device-sim's log, a delivery recording the same
    /// call at the same moment makes this one fail on the key, and <see cref="DeviceCalls"/> records again.
    /// </summary>
    public async Task<HashSet<string>> RecordReceivedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid callId,
        IReadOnlyList<DeviceMethodCall> calls, PreparedCalls prepared, DateTimeOffset at)
    {
        var received = new HashSet<string>(StringComparer.Ordinal);
        if (calls.Count == 0) return received;
        await using var cmd = new NpgsqlCommand("""
            insert into devicegateway.calls (call_id, device_id, job_id, method_name, received_at, outcome)
            select $1, c.device_id, c.job_id, c.method_name, $5, c.outcome::jsonb
              from unnest($2::text[], $3::text[], $4::text[], $6::text[]) as c(device_id, job_id, method_name, outcome)
             where not exists (select 1 from devicegateway.calls k where k.call_id = $1 and k.device_id = c.device_id)
            returning device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(callId);
        cmd.Parameters.AddWithValue(calls.Select(c => c.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.JobId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.MethodName).ToArray());
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        cmd.Parameters.AddWithValue(prepared.AnsweredAtOnceJson(calls));
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) received.Add(reader.GetString(0));
        return received;
    }
    public async Task RecordOutcomesAsync(Guid callId, IReadOnlyList<DeviceMethodOutcome> outcomes)
    {
        if (outcomes.Count == 0) return;
        await using var cmd = dataSource.CreateCommand("""
            update devicegateway.calls c set outcome = o.outcome::jsonb
              from unnest($2::text[], $3::text[]) as o(device_id, outcome)
             where c.call_id = $1 and c.device_id = o.device_id
            """);
        cmd.Parameters.AddWithValue(callId);
        cmd.Parameters.AddWithValue(outcomes.Select(o => o.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(outcomes.Select(o => JsonSerializer.Serialize(o)).ToArray());
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Which of these devices have a record of this call, with its outcome (null while none was recorded).</summary>
    public async Task<Dictionary<string, DeviceMethodOutcome?>> RecordedAsync(Guid callId, IReadOnlyCollection<string> deviceIds)
    {
        var recorded = new Dictionary<string, DeviceMethodOutcome?>(StringComparer.Ordinal);
        if (deviceIds.Count == 0) return recorded;
        await using var cmd = dataSource.CreateCommand(
            "select device_id, outcome::text from devicegateway.calls where call_id = $1 and device_id = any($2)");
        cmd.Parameters.AddWithValue(callId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            recorded[reader.GetString(0)] = reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<DeviceMethodOutcome>(reader.GetString(1));
        return recorded;
    }

    /// <summary>Forgets the calls of these jobs, whose history passed its retention.</summary>
    public async Task ForgetJobsAsync(IReadOnlyList<string> jobIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from devicegateway.calls where job_id = any($1)");
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Forgets calls made outside jobs that were received before <paramref name="cutoff"/>.</summary>
    public async Task<int> ForgetDirectCallsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from devicegateway.calls where job_id is null and received_at < $1");
        cmd.Parameters.AddWithValue(cutoff.UtcDateTime);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
