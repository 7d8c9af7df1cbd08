using IotHubJobs.Contracts.Jobs;
using MassTransit;
using Npgsql;

namespace Scheduler.Schedules;

/// <summary>Stops jobs whose maxExecutionTimeInSeconds elapsed: no more dispatch; jobs-api fails what is unfinished.</summary>
public sealed class ExpireDeadlines(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock)
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var expire = new NpgsqlCommand("""
            with due as (select job_id, state from scheduler.job_schedules
                          where state in ('dispatching', 'dispatched', 'rolling') and deadline_at <= $1
                          order by deadline_at limit 20 for update skip locked)
            update scheduler.job_schedules s set state = 'timed_out', updated_at = $1
              from due where s.job_id = due.job_id
            returning s.job_id, due.state, s.dispatched_count
            """, conn, tx);
        expire.Parameters.AddWithValue(now.UtcDateTime);
        var expired = new List<(string JobId, string State, int Dispatched)>();
        await using (var reader = await expire.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) expired.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        foreach (var (jobId, state, dispatched) in expired)
        {
            if (state == ScheduleStates.Dispatching) await bus.Publish(new JobTargetsResolved(jobId, dispatched, now), ct);
            await bus.Publish(new JobExecutionTimeElapsed(jobId, now), ct);
        }
        await tx.CommitAsync(ct);
        return expired.Count;
    }
}
