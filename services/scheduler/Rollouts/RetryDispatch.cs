using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.ServiceDefaults;
using Npgsql;
using Scheduler.Fanout;
using Scheduler.Schedules;

namespace Scheduler.Rollouts;

/// <summary>
/// Sends the attempts a rollout retries once they are due (docs/rollouts.md, "Retries"). The ledger holds each device job's
/// next attempt time (jobs-api sets it when an attempt fails in a way the rollout retries); a pass takes the due ones,
/// marks them sent for <see cref="ResendAfter"/> and commits, then sends each job's devices as ordinary commands. The
/// device layer sees a new call with a new call id, which claims the device job as its next attempt. A crash between the
/// commit and the send leaves the attempts due again after <see cref="ResendAfter"/>; a command sent twice claims once.
/// Retries go on while a job is paused: pause holds back devices not yet dispatched, not those already under way.
/// </summary>
public sealed class RetryDispatch(NpgsqlDataSource dataSource, CommandPublisher publisher, TimeProvider clock)
{
    /// <summary>How long a sent attempt may stay unclaimed before it is sent again.</summary>
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(30);
    /// <summary>How often an idle replica looks for due attempts (a pass that found some looks again at once).</summary>
    private static readonly TimeSpan IdleLook = TimeSpan.FromSeconds(1);
    private const int MaxPerPass = FanOutChunk.ChunkSize;
    private DateTimeOffset _nextLook = DateTimeOffset.MinValue;

    private sealed record ActiveJob(JobCreated Job, string? TraceParent);

    /// <returns>Whether it sent something (the loop goes on at once).</returns>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < _nextLook) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = await DeviceJobLedger.TakeDueAttemptsAsync(conn, tx, now, now + ResendAfter, MaxPerPass, ct);
        if (due.Count == 0)
        {
            await tx.CommitAsync(ct);
            _nextLook = now + IdleLook;
            return false;
        }
        var jobs = await ActiveJobsAsync(conn, tx, due.Select(d => d.JobId).Distinct().ToArray(), ct);
        await tx.CommitAsync(ct);

        foreach (var job in due.GroupBy(d => d.JobId))
        {
            // A job no longer dispatching has its pending work canceled with it or failed by its deadline.
            if (!jobs.TryGetValue(job.Key, out var active)) continue;
            using var activity = JobTrace.Continue("retry devices", active.TraceParent);
            activity?.SetTag("iothub.job_id", job.Key);
            var devices = job.Select(d => d.DeviceId).ToList();
            await publisher.SendAsync(active.Job, devices, activity, ct);
            SchedulerMetrics.RecordDispatched(devices.Count, active.Job.Type);
        }
        return true;
    }

    private static async Task<Dictionary<string, ActiveJob>> ActiveJobsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string[] jobIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select job_id, job::text, trace_parent from scheduler.job_schedules
             where job_id = any($1) and state in ('dispatching', 'dispatched', 'rolling')
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobIds);
        var jobs = new Dictionary<string, ActiveJob>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            jobs[reader.GetString(0)] = new ActiveJob(JsonSerializer.Deserialize<JobCreated>(reader.GetString(1))!, reader.IsDBNull(2) ? null : reader.GetString(2));
        return jobs;
    }
}
