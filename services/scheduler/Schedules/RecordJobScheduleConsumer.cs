using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using MassTransit;
using Npgsql;
using Scheduler.Recurrences;

namespace Scheduler.Schedules;

/// <summary>
/// Turns a relayed <see cref="JobCreated"/> into a durable start timer (idempotent per job id). A recurring job's template
/// (docs/rollouts.md, "Recurrence") never starts itself: its row is <c>recurring</c>, and its occurrences are kept by
/// <see cref="RecurringJobs"/>, recorded in the same transaction so a cancel is ordered against them.
/// </summary>
public sealed class RecordJobScheduleConsumer(NpgsqlDataSource dataSource, RecurringJobs recurring, SchedulerWakeUp wakeUp, TimeProvider clock)
    : IConsumer<JobCreated>
{
    public async Task Consume(ConsumeContext<JobCreated> context)
    {
        var job = context.Message;
        var now = clock.GetUtcNow();
        var template = job.Recurrence is not null;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        await using var cmd = new NpgsqlCommand("""
            insert into scheduler.job_schedules (job_id, job, start_at, state, updated_at, trace_parent)
            values ($1, $2::jsonb, $3, $6, $4, $5)
            on conflict (job_id) do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue(job.JobId);
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(job));
        cmd.Parameters.AddWithValue(job.StartTime.UtcDateTime);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue((object?)System.Diagnostics.Activity.Current?.Id ?? DBNull.Value);
        cmd.Parameters.AddWithValue(template ? ScheduleStates.Recurring : ScheduleStates.Waiting);
        var inserted = await cmd.ExecuteNonQueryAsync(context.CancellationToken) == 1;
        if (inserted && template) await recurring.RecordAsync(conn, tx, job, context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);
        if (!inserted) return;
        if (template || job.StartTime > now) await context.Publish(new JobScheduled(job.JobId, now), context.CancellationToken);
        else wakeUp.Wake();
    }
}
