using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using MassTransit;
using Npgsql;

namespace Scheduler.Schedules;

/// <summary>Turns a relayed <see cref="JobCreated"/> into a durable start timer (idempotent per job id).</summary>
public sealed class RecordJobScheduleConsumer(NpgsqlDataSource dataSource, SchedulerWakeUp wakeUp, TimeProvider clock) : IConsumer<JobCreated>
{
    public async Task Consume(ConsumeContext<JobCreated> context)
    {
        var job = context.Message;
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.CreateCommand("""
            insert into scheduler.job_schedules (job_id, job, start_at, state, updated_at, trace_parent)
            values ($1, $2::jsonb, $3, 'waiting', $4, $5)
            on conflict (job_id) do nothing
            """);
        cmd.Parameters.AddWithValue(job.JobId);
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(job));
        cmd.Parameters.AddWithValue(job.StartTime.UtcDateTime);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue((object?)System.Diagnostics.Activity.Current?.Id ?? DBNull.Value);
        var inserted = await cmd.ExecuteNonQueryAsync(context.CancellationToken) == 1;
        if (!inserted) return;
        if (job.StartTime > now) await context.Publish(new JobScheduled(job.JobId, now), context.CancellationToken);
        else wakeUp.Wake();
    }
}
