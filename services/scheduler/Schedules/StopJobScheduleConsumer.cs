using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using MassTransit;
using Npgsql;
using Scheduler.Recurrences;

namespace Scheduler.Schedules;

/// <summary>
/// Cancel stops a job's timer and dispatch under the schedule row's lock, so it is ordered against any fan-out
/// chunk in flight; device jobs not yet claimed become <c>canceled</c>. Completion or failure just retires the row.
/// </summary>
public sealed class StopJobScheduleConsumer(NpgsqlDataSource dataSource, RecurringJobs recurring, TimeProvider clock) :
    IConsumer<JobCancelled>, IConsumer<JobCompleted>, IConsumer<JobFailed>
{
    public async Task Consume(ConsumeContext<JobCancelled> context)
    {
        var jobId = context.Message.JobId;
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        await using var select = new NpgsqlCommand("select state, dispatched_count from scheduler.job_schedules where job_id = $1 for update", conn, tx);
        select.Parameters.AddWithValue(jobId);
        string? state = null;
        var dispatched = 0;
        await using (var reader = await select.ExecuteReaderAsync(context.CancellationToken))
            if (await reader.ReadAsync(context.CancellationToken)) (state, dispatched) = (reader.GetString(0), reader.GetInt32(1));

        // A cancel that overtakes its JobCreated leaves a cancelled row, so the late JobCreated inserts nothing.
        await using var upsert = new NpgsqlCommand("""
            insert into scheduler.job_schedules (job_id, job, start_at, state, updated_at) values ($1, '{}'::jsonb, $2, 'cancelled', $2)
            on conflict (job_id) do update set state = 'cancelled', updated_at = $2
             where scheduler.job_schedules.state in ('waiting', 'dispatching', 'dispatched', 'rolling', 'recurring')
            """, conn, tx);
        upsert.Parameters.AddWithValue(jobId);
        upsert.Parameters.AddWithValue(now.UtcDateTime);
        await upsert.ExecuteNonQueryAsync(context.CancellationToken);
        // A recurring job's template: no occurrence after this (children already created run on as jobs of their own). Not
        // decided on the state read above: a template recorded meanwhile is visible only after the upsert waited for it.
        await recurring.CancelAsync(conn, tx, jobId, context.CancellationToken);

        var started = state is ScheduleStates.Dispatching or ScheduleStates.Dispatched or ScheduleStates.Rolling;
        var canceled = started ? await DeviceJobLedger.CancelPendingAsync(conn, tx, jobId, now, context.CancellationToken) : 0;
        await tx.CommitAsync(context.CancellationToken);
        if (started) await context.Publish(new JobDispatchCancelled(jobId, dispatched, canceled, now), context.CancellationToken);
    }

    public Task Consume(ConsumeContext<JobCompleted> context) => RetireAsync(context.Message.JobId, context.CancellationToken);

    public Task Consume(ConsumeContext<JobFailed> context) => RetireAsync(context.Message.JobId, context.CancellationToken);

    /// <summary>
    /// A finished job leaves a finished row even when this fact overtakes its JobCreated on the bus (a job recorded
    /// whole, as the retention spec does): the late JobCreated then inserts nothing, and no running slot is taken.
    /// </summary>
    private async Task RetireAsync(string jobId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            insert into scheduler.job_schedules (job_id, job, start_at, state, updated_at) values ($1, '{}'::jsonb, $2, 'finished', $2)
            on conflict (job_id) do update set state = 'finished', updated_at = $2
             where scheduler.job_schedules.state in ('waiting', 'dispatching', 'dispatched', 'rolling')
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
