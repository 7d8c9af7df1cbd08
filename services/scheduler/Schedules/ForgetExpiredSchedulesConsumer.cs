using IotHubJobs.Contracts.Jobs;
using MassTransit;
using Npgsql;
using Scheduler.Recurrences;

namespace Scheduler.Schedules;

/// <summary>
/// Deletes the schedule rows (timer, fan-out cursor, deadline) of jobs whose history passed its retention, and a recurring
/// template's occurrence row (Recurrences/RecurringJobs.cs).
/// </summary>
public sealed class ForgetExpiredSchedulesConsumer(NpgsqlDataSource dataSource, RecurringJobs recurring) : IConsumer<JobsExpired>
{
    public async Task Consume(ConsumeContext<JobsExpired> context)
    {
        await using var cmd = dataSource.CreateCommand("delete from scheduler.job_schedules where job_id = any($1)");
        cmd.Parameters.AddWithValue(context.Message.JobIds.ToArray());
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
        await recurring.ForgetAsync(context.Message.JobIds, context.CancellationToken);
    }
}
