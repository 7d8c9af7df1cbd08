using Cronos;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using MassTransit;
using Npgsql;

namespace Scheduler.Recurrences;

/// <summary>
/// Recurring jobs (docs/rollouts.md, "Recurrence"): a job with <c>recurrence</c> is a template that never runs itself; its
/// next occurrence (Cronos, in its time zone, daylight-saving transitions included) is a row of
/// <c>scheduler.job_recurrences</c>. When it is due, one replica (the row's lock) asks jobs-api to create the child job
/// <c>{jobId}-{yyyyMMddTHHmmZ}</c> and moves the row to the next occurrence, in one transaction: a crash asks again,
/// which creates nothing twice. Occurrences missed while no scheduler ran are not made up: the next is the first after now.
/// </summary>
public sealed class RecurringJobs(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock, ILogger<RecurringJobs> logger)
{
    private const int MaxPerPass = 20;
    /// <summary>Occurrences are whole minutes: an idle replica looks once a second, not on every pass of its loop.</summary>
    private static readonly TimeSpan IdleLook = TimeSpan.FromSeconds(1);
    private DateTimeOffset _nextLook = DateTimeOffset.MinValue;

    /// <summary>A template's first occurrence: the first at or after its start time (or now); in the caller's transaction.</summary>
    public async Task RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, JobCreated template, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var recurrence = template.Recurrence!;
        var first = Next(recurrence, template.StartTime > now ? template.StartTime : now, inclusive: true);
        await using var cmd = new NpgsqlCommand("""
            insert into scheduler.job_recurrences (job_id, cron, time_zone, next_at, state, updated_at)
            values ($1, $2, $3, $4, case when $4::timestamptz is null then 'finished' else 'active' end, $5)
            on conflict (job_id) do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue(template.JobId);
        cmd.Parameters.AddWithValue(recurrence.Cron);
        cmd.Parameters.AddWithValue(recurrence.TimeZone);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = first?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>No occurrence after this; in the caller's transaction (the schedule row's cancel, so ordered against <see cref="RecordAsync"/>).</summary>
    public async Task CancelAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update scheduler.job_recurrences set state = 'cancelled', next_at = null, updated_at = $2 where job_id = $1 and state = 'active'", conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Forgets the occurrence rows of templates whose history passed its retention.</summary>
    public async Task ForgetAsync(IReadOnlyCollection<string> jobIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from scheduler.job_recurrences where job_id = any($1)");
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <returns>Whether an occurrence was due (the loop goes on at once).</returns>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < _nextLook) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<(string JobId, JobRecurrence Recurrence, DateTimeOffset At)>();
        await using (var pick = new NpgsqlCommand("""
            select job_id, cron, time_zone, next_at from scheduler.job_recurrences
             where state = 'active' and next_at <= $1 order by next_at limit $2 for update skip locked
            """, conn, tx))
        {
            pick.Parameters.AddWithValue(now.UtcDateTime);
            pick.Parameters.AddWithValue(MaxPerPass);
            await using var reader = await pick.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                due.Add((reader.GetString(0), new JobRecurrence(reader.GetString(1), reader.GetString(2)), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero)));
        }
        if (due.Count == 0)
        {
            _nextLook = now + IdleLook;
            return false;
        }
        foreach (var (jobId, recurrence, at) in due)
        {
            var next = Next(recurrence, now, inclusive: false);
            await using var move = new NpgsqlCommand("""
                update scheduler.job_recurrences set next_at = $2, state = case when $2::timestamptz is null then 'finished' else state end, updated_at = $3
                 where job_id = $1
                """, conn, tx);
            move.Parameters.AddWithValue(jobId);
            move.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = next?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            move.Parameters.AddWithValue(now.UtcDateTime);
            await move.ExecuteNonQueryAsync(ct);
            // Inside the transaction: a crash before the commit asks again, and jobs-api creates each child once.
            await bus.Publish(new CreateJobOccurrence(jobId, ChildJobId(jobId, at), at), ct);
            logger.LogInformation("Recurring job {JobId}: occurrence {At:O}, next {Next:O}", jobId, at, next);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The child job of an occurrence: the template's id and the occurrence in UTC to the minute.</summary>
    public static string ChildJobId(string templateJobId, DateTimeOffset occursAt) => $"{templateJobId}-{occursAt.UtcDateTime:yyyyMMdd'T'HHmm'Z'}";

    private static DateTimeOffset? Next(JobRecurrence recurrence, DateTimeOffset from, bool inclusive) =>
        CronExpression.Parse(recurrence.Cron).GetNextOccurrence(from.UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(recurrence.TimeZone), inclusive)
            is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;
}
