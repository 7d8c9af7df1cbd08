using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace Scheduler.Schedules;

/// <summary>
/// Fires due start timers, oldest first, while fewer than <c>Scheduler:MaxRunningJobs</c> jobs run; jobs beyond
/// the cap wait in order instead of being refused (IoT Hub answers 429 above its 1–10 concurrent jobs). Claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas take disjoint jobs; the state
/// change and the publish share one transaction, so a crash re-publishes at most (jobs-api ignores a repeat).
/// </summary>
public sealed class StartDueJobs(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock, IConfiguration configuration)
{
    private const int BatchSize = 20;
    // Serialises starters across replicas so the running-jobs cap holds.
    private const long StartLockKey = 0x5C4ED_0002;
    private readonly int _maxRunningJobs = configuration.GetValue("Scheduler:MaxRunningJobs", 50);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var gate = new NpgsqlCommand("select pg_advisory_xact_lock($1)", conn, tx))
        {
            gate.Parameters.AddWithValue(StartLockKey);
            await gate.ExecuteNonQueryAsync(ct);
        }
        await using var claim = new NpgsqlCommand("""
            update scheduler.job_schedules s
               set state = 'dispatching', started_at = $1, fanout_cursor = '', updated_at = $1,
                   deadline_at = $1 + make_interval(secs => (s.job->>'MaxExecutionTimeInSeconds')::double precision)
             where job_id in (select job_id from scheduler.job_schedules
                               where state = 'waiting' and start_at <= $1
                               order by start_at, job_id
                               limit greatest(0, least($2, $3 - (select count(*) from scheduler.job_schedules
                                                                 where state in ('dispatching', 'dispatched', 'rolling'))))
                               for update skip locked)
            returning job_id, start_at, trace_parent
            """, conn, tx);
        claim.Parameters.AddWithValue(now.UtcDateTime);
        claim.Parameters.AddWithValue(BatchSize);
        claim.Parameters.AddWithValue(_maxRunningJobs);
        var started = new List<(string JobId, DateTime StartAt, string? TraceParent)>();
        await using (var reader = await claim.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) started.Add((reader.GetString(0), reader.GetDateTime(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        foreach (var (jobId, startAt, traceParent) in started)
        {
            using var activity = JobTrace.Continue("start job", traceParent);
            activity?.SetTag("iothub.job_id", jobId);
            SchedulerMetrics.RecordStart(now - new DateTimeOffset(startAt, TimeSpan.Zero));
            await bus.Publish(new JobStarted(jobId, now), ct);
        }
        await tx.CommitAsync(ct);
        SchedulerMetrics.RecordStarted(started.Count);
        return started.Count;
    }
}
