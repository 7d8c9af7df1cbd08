using System.Diagnostics;
using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Query;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Npgsql;
using Scheduler.Schedules;

namespace Scheduler.Fanout;

/// <summary>
/// Dispatches the next chunk of one started job. In one transaction, under the schedule row's lock, it pages the
/// job's query over the registry (keyset on device id, only devices that existed at start), writes their pending
/// device jobs, advances the cursor and records the chunk's range as unsent. Only after the commit, when the rows
/// are visible to executors and jobs-api, are the commands published and the range cleared. A crash between the
/// two leaves the range recorded, and the next pass of any replica re-sends it from the ledger (executors' claims
/// make a repeated command harmless).
/// </summary>
public sealed class FanOutChunk(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock, IConfiguration configuration, ILogger<FanOutChunk> logger)
{
    public const int ChunkSize = 1000;
    /// <summary>Devices per command message: the lever between message cost and per-message latency (docs/benchmarks.md).</summary>
    private readonly int _devicesPerCommand = Math.Clamp(configuration.GetValue("Scheduler:DevicesPerCommand", 500), 1, ChunkSize);
    /// <summary>How long an unsent range may belong to a live replica that is publishing it.</summary>
    public static readonly TimeSpan UnsentGrace = TimeSpan.FromSeconds(15);

    private sealed record Picked(string JobId, JobCreated Job, DateTime StartedAt, string Cursor, int Dispatched, string? TraceParent,
        string? UnsentAfter, string? UnsentThrough, int? UnsentResolved);

    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var picked = await PickAsync(conn, tx, now, ct);
        if (picked is null) return false;

        using var activity = JobTrace.Continue("fan out", picked.TraceParent);
        activity?.SetTag("iothub.job_id", picked.JobId);
        if (picked.UnsentThrough is not null)
        {
            var devices = await PendingInRangeAsync(conn, tx, picked, ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Re-sending {Count} device commands of job {JobId} whose publication was interrupted", devices.Count, picked.JobId);
            await PublishAsync(picked, devices, picked.UnsentResolved, activity, ct);
            return true;
        }

        List<string> chunk;
        try
        {
            chunk = await PickAndRecordAsync(conn, tx, picked, now, ct);
        }
        catch (QueryException e)
        {
            logger.LogWarning("Job {JobId} failed: its query does not compile: {Reason}", picked.JobId, e.Message);
            await SetStateAsync(conn, tx, picked.JobId, ScheduleStates.Failed, picked.Cursor, picked.Dispatched, now, ct);
            await tx.CommitAsync(ct);
            await bus.Publish(new JobFailed(picked.JobId, $"The query condition could not be evaluated: {e.Message}", now), ct);
            return true;
        }

        var dispatched = picked.Dispatched + chunk.Count;
        var done = chunk.Count < ChunkSize;
        int? resolved = done ? dispatched : null;
        await SetStateAsync(conn, tx, picked.JobId, done ? ScheduleStates.Dispatched : ScheduleStates.Dispatching,
            chunk.Count > 0 ? chunk[^1] : picked.Cursor, dispatched, now, ct,
            firstDispatch: chunk.Count > 0 ? now : null, unsentThrough: chunk.Count > 0 || done ? chunk.LastOrDefault() ?? picked.Cursor : null,
            unsentResolved: resolved);
        await tx.CommitAsync(ct);
        await PublishAsync(picked, chunk, resolved, activity, ct);
        activity?.SetTag("iothub.device_count", chunk.Count);
        SchedulerMetrics.RecordDispatched(chunk.Count, picked.Job.Type);
        return true;
    }

    private static async Task<Picked?> PickAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        await using var pick = new NpgsqlCommand("""
            select job_id, job::text, started_at, fanout_cursor, dispatched_count, trace_parent, unsent_after, unsent_through, unsent_resolved
              from scheduler.job_schedules
             where (state = 'dispatching' and unsent_through is null)
                or (unsent_through is not null and updated_at < $1)
             order by started_at limit 1 for update skip locked
            """, conn, tx);
        pick.Parameters.AddWithValue((now - UnsentGrace).UtcDateTime);
        await using var reader = await pick.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Picked(reader.GetString(0), JsonSerializer.Deserialize<JobCreated>(reader.GetString(1))!, reader.GetDateTime(2),
            reader.IsDBNull(3) ? "" : reader.GetString(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetInt32(8));
    }

    /// <summary>Publishes a committed chunk's commands (each chunk of devices in a trace of its own), then clears the range.</summary>
    private async Task PublishAsync(Picked picked, List<string> devices, int? resolved, Activity? fanOut, CancellationToken ct)
    {
        foreach (var chunk in devices.Chunk(_devicesPerCommand))
        {
            using (var chunkActivity = JobTrace.NewChunk("dispatch devices", fanOut?.Context ?? default))
            {
                chunkActivity?.SetTag("iothub.job_id", picked.JobId);
                chunkActivity?.SetTag("iothub.device_count", chunk.Length);
                await bus.Publish(Command(picked.Job, chunk), ct);
            }
            Activity.Current = fanOut;
        }
        if (resolved is { } count) await bus.Publish(new JobTargetsResolved(picked.JobId, count, clock.GetUtcNow()), ct);
        await using var clear = dataSource.CreateCommand(
            "update scheduler.job_schedules set unsent_after = null, unsent_through = null, unsent_resolved = null where job_id = $1");
        clear.Parameters.AddWithValue(picked.JobId);
        await clear.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<string>> PendingInRangeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Picked picked, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select device_id from dispatch.device_jobs
             where job_id = $1 and device_id > $2 and device_id <= $3 and status = 'pending' order by device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(picked.JobId);
        cmd.Parameters.AddWithValue(picked.UnsentAfter ?? "");
        cmd.Parameters.AddWithValue(picked.UnsentThrough!);
        var devices = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) devices.Add(reader.GetString(0));
        return devices;
    }

    private static async Task<List<string>> PickAndRecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Picked picked,
        DateTimeOffset now, CancellationToken ct)
    {
        const int ownParameters = 6;
        var condition = SqlCompiler.CompileCondition(QueryParser.ParseCondition(picked.Job.QueryCondition), QuerySource.Devices, ownParameters + 1);
        await using var cmd = new NpgsqlCommand($"""
            with picked as (
                select device_id from registry.devices
                 where device_id > $1 and created_at <= $2 and ({condition.WhereSql})
                 order by device_id limit $3),
            recorded as (
                insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
                select $4, device_id, $5, 'pending', $6, $6 from picked
                on conflict do nothing)
            select device_id from picked order by device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(picked.Cursor);
        cmd.Parameters.AddWithValue(picked.StartedAt);
        cmd.Parameters.AddWithValue(ChunkSize);
        cmd.Parameters.AddWithValue(picked.JobId);
        cmd.Parameters.AddWithValue(picked.Job.Type);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        foreach (var value in condition.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var devices = new List<string>(ChunkSize);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) devices.Add(reader.GetString(0));
        return devices;
    }

    private static object Command(JobCreated job, string[] deviceIds) => job.Type == JobTypes.ScheduleDeviceMethod
        ? new InvokeDeviceMethods(job.JobId, job.CloudToDeviceMethod!, deviceIds)
        : new UpdateDeviceTwins(job.JobId, job.UpdateTwinJson!, deviceIds);

    private static async Task SetStateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string state, string cursor,
        int dispatched, DateTimeOffset now, CancellationToken ct,
        DateTimeOffset? firstDispatch = null, string? unsentThrough = null, int? unsentResolved = null)
    {
        await using var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set unsent_after = case when $7::text is null then null else fanout_cursor end,
                   unsent_through = $7, unsent_resolved = $8,
                   state = $2, fanout_cursor = $3, dispatched_count = $4, updated_at = $5,
                   first_dispatch_at = coalesce(first_dispatch_at, $6)
             where job_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.AddWithValue(cursor);
        cmd.Parameters.AddWithValue(dispatched);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = firstDispatch?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = unsentThrough, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = unsentResolved, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
