using IotHubJobs.Contracts.Jobs.Rollouts;
using MassTransit;
using Npgsql;
using Scheduler.Schedules;

namespace Scheduler.Rollouts;

/// <summary>
/// An operator's (or an abort criterion's) word on a job's dispatch, kept in its schedule row: paused jobs dispatch
/// nothing until resumed (their token bucket does not fill meanwhile); an approved wave lets the next one start. Pause and
/// resume may be delivered out of order (a pause and a resume moments apart): the later decision wins, by the time
/// jobs-api recorded it.
/// </summary>
public sealed class SteerRolloutConsumer(NpgsqlDataSource dataSource, SchedulerWakeUp wakeUp, TimeProvider clock) :
    IConsumer<JobPaused>, IConsumer<JobResumed>, IConsumer<RolloutWaveApproved>
{
    public Task Consume(ConsumeContext<JobPaused> context) =>
        UpdateAsync(context.Message.JobId, "paused = true, pause_changed_at = $3", "(pause_changed_at is null or pause_changed_at < $3)",
            context.Message.PausedAt.UtcDateTime, context.CancellationToken);

    public Task Consume(ConsumeContext<JobResumed> context) =>
        UpdateAsync(context.Message.JobId, "paused = false, pause_changed_at = $3, rate_tokens = least(rate_tokens, 1), rate_at = $2, next_check_at = null",
            "(pause_changed_at is null or pause_changed_at < $3)", context.Message.ResumedAt.UtcDateTime, context.CancellationToken);

    /// <summary>Wave numbers are 1-based on the wire, 0-based in the row.</summary>
    public Task Consume(ConsumeContext<RolloutWaveApproved> context) =>
        UpdateAsync(context.Message.JobId, "approved_wave = greatest(approved_wave, $3), next_check_at = null", "true", context.Message.Wave - 1,
            context.CancellationToken);

    /// <summary>One update of the row; <paramref name="assignments"/> and <paramref name="condition"/> are fixed SQL of this class.</summary>
    private async Task UpdateAsync(string jobId, string assignments, string condition, object value, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"update scheduler.job_schedules set {assignments}, updated_at = $2 where job_id = $1 and {condition}");
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime);
        cmd.Parameters.AddWithValue(value);
        await cmd.ExecuteNonQueryAsync(ct);
        wakeUp.Wake();
    }
}
