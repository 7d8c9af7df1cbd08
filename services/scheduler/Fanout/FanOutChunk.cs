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
public sealed class FanOutChunk(NpgsqlDataSource dataSource, IBus bus, CommandPublisher publisher, DeviceJobLedger ledger, IConfiguration configuration,
    TimeProvider clock, ILogger<FanOutChunk> logger)
{
    public const int ChunkSize = 1000;
    /// <summary>How long an unsent range may belong to a live replica that is publishing it.</summary>
    public static readonly TimeSpan UnsentGrace = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Flow control (docs/jobs.md, "Flow control"): a job's next chunk waits while it would leave more than this many of
    /// the job's device jobs unfinished (pending or running), so the devices' results never fall far behind its fan-out.
    /// </summary>
    private readonly int _unfinishedPerJob = Math.Max(ChunkSize, configuration.GetValue("Scheduler:UnfinishedDeviceJobsPerJob", 50_000));

    private sealed record Picked(string JobId, JobCreated Job, DateTime StartedAt, string Cursor, int Dispatched, string? TraceParent,
        string? UnsentAfter, string? UnsentThrough, int? UnsentResolved);

    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var waiting = new List<string>();
        var picked = await PickAsync(conn, tx, now, waiting, ct);
        while (picked is not null && await WindowFullAsync(picked, ct))
        {
            SchedulerMetrics.RecordFanOutWait();
            waiting.Add(picked.JobId);
            picked = await PickAsync(conn, tx, now, waiting, ct);
        }
        if (picked is null)
        {
            if (waiting.Count > 0) logger.LogDebug("The fan-out of {Jobs} waits for results: each has its window of unfinished device jobs full", string.Join(", ", waiting));
            return false;
        }

        using var activity = JobTrace.Continue("fan out", picked.TraceParent);
        activity?.SetTag("iothub.job_id", picked.JobId);
        if (picked.UnsentThrough is not null)
        {
            var devices = await DeviceJobLedger.PendingBetweenAsync(conn, tx, picked.JobId, picked.UnsentAfter ?? "", picked.UnsentThrough, ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Re-sending {Count} device commands of job {JobId} whose publication was interrupted", devices.Count, picked.JobId);
            await publisher.PublishAsync(picked.Job, devices, activity, ct, Resolved(picked.JobId, picked.UnsentResolved));
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
        if (picked.Job.Rollout is not null)
        {
            // A rollout records every target first and dispatches them later at its pace (Rollouts/RolloutDispatch.cs), which
            // also tells the target count once these rows are committed: told before, jobs-api could count an empty ledger
            // and complete the job at once.
            await RecordRolloutChunkAsync(conn, tx, picked, chunk, dispatched, resolved, now, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        await RecordChunkAsync(conn, tx, picked, chunk, dispatched, resolved, now, ct);
        await tx.CommitAsync(ct);
        await publisher.PublishAsync(picked.Job, chunk, activity, ct, Resolved(picked.JobId, resolved));
        activity?.SetTag("iothub.device_count", chunk.Count);
        SchedulerMetrics.RecordDispatched(chunk.Count, picked.Job.Type);
        return true;
    }

    /// <summary>
    /// Whether the picked job's next chunk must wait for results. A range to send again adds no device jobs, and a rollout's
    /// fan-out only records its targets (it dispatches them at its own pace), so neither waits; nor does a job that has not
    /// dispatched a window yet, since no more of its device jobs can be unfinished than it dispatched (no count is read).
    /// </summary>
    private async Task<bool> WindowFullAsync(Picked picked, CancellationToken ct)
    {
        if (picked.UnsentThrough is not null || picked.Job.Rollout is not null || picked.Dispatched + ChunkSize <= _unfinishedPerJob) return false;
        var counts = await ledger.CountAsync(picked.JobId, ct);
        return counts.PendingCount + counts.RunningCount + ChunkSize > _unfinishedPerJob;
    }

    /// <param name="passedBy">Jobs this pass has already found waiting for results.</param>
    private static async Task<Picked?> PickAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, List<string> passedBy, CancellationToken ct)
    {
        await using var pick = new NpgsqlCommand("""
            select job_id, job::text, started_at, fanout_cursor, dispatched_count, trace_parent, unsent_after, unsent_through, unsent_resolved
              from scheduler.job_schedules
             where ((state = 'dispatching' and unsent_through is null and not paused)
                    or (unsent_through is not null and updated_at < $1))
               and job_id <> all($2)
             order by started_at limit 1 for update skip locked
            """, conn, tx);
        pick.Parameters.AddWithValue((now - UnsentGrace).UtcDateTime);
        pick.Parameters.AddWithValue(passedBy.ToArray());
        await using var reader = await pick.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Picked(reader.GetString(0), JsonSerializer.Deserialize<JobCreated>(reader.GetString(1))!, reader.GetDateTime(2),
            reader.IsDBNull(3) ? "" : reader.GetString(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetInt32(8));
    }

    private object[] Resolved(string jobId, int? count) => count is { } n ? [new JobTargetsResolved(jobId, n, clock.GetUtcNow())] : [];

    /// <summary>A rollout's targets: the cursor advances past the chunk; after the last one it starts rolling with all its targets known.</summary>
    private static async Task RecordRolloutChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Picked picked, List<string> chunk,
        int recorded, int? targets, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set fanout_cursor = $2, dispatched_count = $3, updated_at = $4, target_count = $5,
                   state = case when $5::int is null then state else 'rolling' end,
                   dispatch_cursor = '', rate_at = $4, wave_state = 'starting', wave_start_cursor = '', end_at = $6
             where job_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(picked.JobId);
        cmd.Parameters.AddWithValue(chunk.Count > 0 ? chunk[^1] : picked.Cursor);
        cmd.Parameters.AddWithValue(recorded);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = targets, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = picked.Job.Rollout!.EndTime?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }

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
