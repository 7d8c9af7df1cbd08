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
/// Dispatches the next chunk of one started job: in one transaction, under the schedule row's lock, it pages the
/// job's query over the registry (keyset on device id, only devices that existed at start), writes their pending
/// device jobs, publishes the commands, and advances the cursor. A crash rolls all of it back except messages
/// already sent, which executors ignore because their device jobs do not exist (at most once per device).
/// </summary>
public sealed class FanOutChunk(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock, ILogger<FanOutChunk> logger)
{
    public const int ChunkSize = 1000;
    public const int DevicesPerCommand = 100;

    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var pick = new NpgsqlCommand("""
            select job_id, job::text, started_at, fanout_cursor, dispatched_count, trace_parent from scheduler.job_schedules
             where state = 'dispatching' order by started_at limit 1 for update skip locked
            """, conn, tx);
        string jobId, cursor; JobCreated job; DateTime startedAt; int dispatched; string? traceParent;
        await using (var reader = await pick.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return false;
            jobId = reader.GetString(0);
            job = JsonSerializer.Deserialize<JobCreated>(reader.GetString(1))!;
            startedAt = reader.GetDateTime(2);
            cursor = reader.IsDBNull(3) ? "" : reader.GetString(3);
            dispatched = reader.GetInt32(4);
            traceParent = reader.IsDBNull(5) ? null : reader.GetString(5);
        }

        using var activity = JobTrace.Continue("fan out", traceParent);
        activity?.SetTag("iothub.job_id", jobId);
        var now = clock.GetUtcNow();
        List<string> devices;
        try
        {
            devices = await PickAndRecordAsync(conn, tx, job, startedAt, cursor, now, ct);
        }
        catch (QueryException e)
        {
            logger.LogWarning("Job {JobId} failed: its query does not compile: {Reason}", jobId, e.Message);
            await SetStateAsync(conn, tx, jobId, ScheduleStates.Failed, cursor, dispatched, now, ct);
            await bus.Publish(new JobFailed(jobId, $"The query condition could not be evaluated: {e.Message}", now), ct);
            await tx.CommitAsync(ct);
            return true;
        }

        DateTimeOffset? firstDispatch = devices.Count > 0 ? clock.GetUtcNow() : null;
        foreach (var chunk in devices.Chunk(DevicesPerCommand))
        {
            using (var chunkActivity = JobTrace.NewChunk("dispatch devices", activity?.Context ?? default))
            {
                chunkActivity?.SetTag("iothub.job_id", jobId);
                chunkActivity?.SetTag("iothub.device_count", chunk.Length);
                await bus.Publish(Command(job, chunk), ct);
            }
            Activity.Current = activity;
        }
        dispatched += devices.Count;
        var done = devices.Count < ChunkSize;
        await SetStateAsync(conn, tx, jobId, done ? ScheduleStates.Dispatched : ScheduleStates.Dispatching,
            devices.Count > 0 ? devices[^1] : cursor, dispatched, now, ct, firstDispatch);
        if (done) await bus.Publish(new JobTargetsResolved(jobId, dispatched, now), ct);
        await tx.CommitAsync(ct);
        activity?.SetTag("iothub.device_count", devices.Count);
        SchedulerMetrics.RecordDispatched(devices.Count, job.Type);
        return true;
    }

    private static async Task<List<string>> PickAndRecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, JobCreated job,
        DateTime startedAt, string cursor, DateTimeOffset now, CancellationToken ct)
    {
        const int ownParameters = 6;
        var condition = SqlCompiler.CompileCondition(QueryParser.ParseCondition(job.QueryCondition), QuerySource.Devices, ownParameters + 1);
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
        cmd.Parameters.AddWithValue(cursor);
        cmd.Parameters.AddWithValue(startedAt);
        cmd.Parameters.AddWithValue(ChunkSize);
        cmd.Parameters.AddWithValue(job.JobId);
        cmd.Parameters.AddWithValue(job.Type);
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
        int dispatched, DateTimeOffset now, CancellationToken ct, DateTimeOffset? firstDispatch = null)
    {
        await using var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set state = $2, fanout_cursor = $3, dispatched_count = $4, updated_at = $5, first_dispatch_at = coalesce(first_dispatch_at, $6)
             where job_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.AddWithValue(cursor);
        cmd.Parameters.AddWithValue(dispatched);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = firstDispatch?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
