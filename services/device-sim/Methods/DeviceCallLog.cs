using System.Text.Json;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceLayer;
using Npgsql;

namespace DeviceSim.Methods;

/// <summary>
/// device-sim's record of the calls it received (<c>devicesim.calls</c>, one row per call id and device, with the
/// outcome once known) and of every time a simulated device ran a method (<c>devicesim.execution_batches</c>, append-only,
/// a row per delivery with the devices that ran; the view <c>devicesim.executions</c> shows a row per execution).
/// The first decides whether a delivery is new: a call is recorded before it runs, so a delivery of the same call id
/// again runs nothing. The second is what tests count: a device that ran twice appears twice there (two rows of the
/// view), whatever the first table merged.
/// </summary>
public sealed class DeviceCallLog(NpgsqlDataSource dataSource) : IDeviceCallLog
{
    /// <summary>
    /// Records the calls not recorded before — with their outcome when the device answers at once, so most calls are
    /// written once — and, for those that reach their device, one execution each, in the caller's transaction; returns
    /// the devices whose call is new (only those may run). Calls recorded before are left out by an anti-join — over the
    /// rows of this one call id, which only a delivery of the same call can have written — not by <c>on conflict do
    /// nothing</c>, whose speculative insertion cost about a fifth of the statement (docs/benchmarks.md, "A command a
    /// fan-out chunk; the call record without a speculative insert"); a delivery recording the same call at the same
    /// moment makes this one fail on the key, and <see cref="DeviceCalls"/> records again.
    /// </summary>
    public async Task<HashSet<string>> RecordReceivedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid callId,
        IReadOnlyList<DeviceMethodCall> calls, PreparedCalls prepared, DateTimeOffset at)
    {
        var received = new HashSet<string>(StringComparer.Ordinal);
        if (calls.Count == 0) return received;
        await using var cmd = new NpgsqlCommand("""
            with received as (
                insert into devicesim.calls (call_id, device_id, job_id, method_name, received_at, outcome)
                select $1, c.device_id, c.job_id, c.method_name, $5, c.outcome
                  from unnest($2::text[], $3::text[], $4::text[], $7::text[]) as c(device_id, job_id, method_name, outcome)
                 where not exists (select 1 from devicesim.calls k where k.call_id = $1 and k.device_id = c.device_id)
                returning device_id, job_id, method_name),
            executed as (
                insert into devicesim.execution_batches (call_id, job_id, method_name, executed_at, device_ids)
                select $1, r.job_id, r.method_name, $5, array_agg(r.device_id)
                  from received r join unnest($6::text[]) as reachable(device_id) on reachable.device_id = r.device_id
                 group by r.job_id, r.method_name)
            select device_id from received
            """, conn, tx);
        cmd.Parameters.AddWithValue(callId);
        cmd.Parameters.AddWithValue(calls.Select(c => c.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.JobId).ToArray());
        cmd.Parameters.AddWithValue(calls.Select(c => c.MethodName).ToArray());
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        cmd.Parameters.AddWithValue(prepared.Reachable.ToArray());
        cmd.Parameters.AddWithValue(prepared.AnsweredAtOnceJson(calls));
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) received.Add(reader.GetString(0));
        return received;
    }

    public async Task RecordOutcomesAsync(Guid callId, IReadOnlyList<DeviceMethodOutcome> outcomes)
    {
        if (outcomes.Count == 0) return;
        await using var cmd = dataSource.CreateCommand("""
            update devicesim.calls c set outcome = o.outcome
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
            "select device_id, outcome from devicesim.calls where call_id = $1 and device_id = any($2)");
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
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from devicesim.calls where job_id = any($1)") { Parameters = { new() { Value = jobIds.ToArray() } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from devicesim.execution_batches where job_id = any($1)") { Parameters = { new() { Value = jobIds.ToArray() } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Forgets calls made outside jobs that were received before <paramref name="cutoff"/>.</summary>
    public async Task<int> ForgetDirectCallsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from devicesim.calls where job_id is null and received_at < $1") { Parameters = { new() { Value = cutoff.UtcDateTime } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from devicesim.execution_batches where job_id is null and executed_at < $1") { Parameters = { new() { Value = cutoff.UtcDateTime } } });
        return await batch.ExecuteNonQueryAsync(ct);
    }
}
