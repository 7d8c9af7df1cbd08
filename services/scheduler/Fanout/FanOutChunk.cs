using System.Diagnostics;
using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.Query;
using IotHubJobs.Registry;
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
            var devices = await DeviceJobLedger.PendingBetweenAsync(conn, tx, picked.JobId, picked.UnsentAfter ?? "", picked.UnsentThrough, ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Re-sending {Count} device commands of job {JobId} whose publication was interrupted", devices.Count, picked.JobId);
            await PublishAsync(picked, devices, picked.UnsentResolved, activity, ct);
            return true;
        }

        List<string> chunk;
        try
        {
            var condition = QueryParser.ParseCondition(picked.Job.QueryCondition, DeviceQuerySource.Source);
            chunk = await DeviceRegistry.TargetsAsync(conn, tx, condition, picked.Cursor, picked.StartedAt, ChunkSize, ct);
            await DeviceJobLedger.RecordPendingAsync(conn, tx, picked.JobId, picked.Job.Type, chunk, now, ct);
        }
        catch (QueryException e)
        {
            logger.LogWarning("Job {JobId} failed: its query does not compile: {Reason}", picked.JobId, e.Message);
            await RecordFailedAsync(conn, tx, picked.JobId, now, ct);
            await tx.CommitAsync(ct);
            await bus.Publish(new JobFailed(picked.JobId, $"The query condition could not be evaluated: {e.Message}", now), ct);
            return true;
        }

        var dispatched = picked.Dispatched + chunk.Count;
        // A chunk shorter than a full one is the last: the target set is final and its size travels with the chunk.
        int? resolved = chunk.Count < ChunkSize ? dispatched : null;
        await RecordChunkAsync(conn, tx, picked, chunk, dispatched, resolved, now, ct);
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

    private static object Command(JobCreated job, string[] deviceIds) => job.Type == JobTypes.ScheduleDeviceMethod
        ? new InvokeDeviceMethods(job.JobId, job.CloudToDeviceMethod!, deviceIds)
        : new UpdateDeviceTwins(job.JobId, job.UpdateTwinJson!, deviceIds);

    /// <summary>
    /// Advances the cursor past the chunk and records its device range as unsent (cleared once its commands are out);
    /// for the last chunk (<paramref name="resolved"/> set) the schedule becomes dispatched with its final device count.
    /// </summary>
    private static async Task RecordChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Picked picked, List<string> chunk,
        int dispatched, int? resolved, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set unsent_after = fanout_cursor, unsent_through = $2, unsent_resolved = $3,
                   state = $4, fanout_cursor = $2, dispatched_count = $5, updated_at = $6,
                   first_dispatch_at = case when $7 then coalesce(first_dispatch_at, $6) else first_dispatch_at end
             where job_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(picked.JobId);
        cmd.Parameters.AddWithValue(chunk.Count > 0 ? chunk[^1] : picked.Cursor);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = resolved, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.AddWithValue(resolved is null ? ScheduleStates.Dispatching : ScheduleStates.Dispatched);
        cmd.Parameters.AddWithValue(dispatched);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(chunk.Count > 0);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task RecordFailedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("update scheduler.job_schedules set state = 'failed', updated_at = $2 where job_id = $1", conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
