using IotHubJobs.Rollouts;
using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Npgsql;
using Scheduler.Fanout;
using Scheduler.Schedules;

namespace Scheduler.Rollouts;

/// <summary>
/// Dispatches rollouts (docs/rollouts.md): a rolling job's targets are all recorded as pending; each pass, under the
/// schedule row's lock, sends the next devices in device-id order as far as the token bucket, the current wave and the
/// maintenance windows allow, and moves its waves on (finish, bake, success check, approval). Everything it needs to
/// go on is in the row, so a restart or another replica continues exactly where it stopped. Pause is a state of the
/// row, never a sleeping thread.
/// </summary>
public sealed class RolloutDispatch(NpgsqlDataSource dataSource, DeviceJobLedger ledger, CommandPublisher publisher, IBus bus, TimeProvider clock,
    ILogger<RolloutDispatch> logger)
{
    /// <summary>How often a wave whose devices are still running is looked at again.</summary>
    private static readonly TimeSpan FinishingPoll = TimeSpan.FromSeconds(1);
    /// <summary>How often a wave waiting for approval is looked at, besides being woken by the approval itself.</summary>
    private static readonly TimeSpan ApprovalPoll = TimeSpan.FromMinutes(1);
    private const int MaxPerPass = FanOutChunk.ChunkSize;

    private sealed record Rolling(string JobId, JobCreated Job, int Targets, string Cursor, int Dispatched, double? Rate, double Tokens,
        DateTimeOffset RateAt, int Wave, string WaveState, string WaveStartCursor, DateTimeOffset? WaveUntil, int ApprovedWave, string? TraceParent,
        string? StopReason, bool StopCancels, int StopCanceled);

    /// <returns>Whether it dispatched or moved something on (the loop goes on at once).</returns>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rolling = await PickAsync(conn, tx, now, ct);
        if (rolling is null) return false;
        using var activity = JobTrace.Continue("roll out", rolling.TraceParent);
        activity?.SetTag("iothub.job_id", rolling.JobId);
        var plan = new RolloutPlan(rolling.Job.Rollout!);

        if (rolling.WaveState == "stopping") return await TellStoppedAsync(tx, rolling, conn, now, ct);
        if (plan.Rollout.EndTime is { } end && end <= now)
            return await StopAsync(conn, tx, rolling, $"The rollout reached its endTime {end:O} ({plan.Rollout.EndBehavior}).",
                plan.Rollout.EndBehavior == "cancel", now, ct);
        if (rolling.WaveState == "starting")
        {
            // The targets are committed in the ledger by now (Fanout/FanOutChunk.cs): jobs-api may count them. Told again
            // after a crash before the commit below, which jobs-api ignores.
            await bus.Publish(new JobTargetsResolved(rolling.JobId, rolling.Targets, now), ct);
            if (plan.Rollout.Waves.Count > 0) await bus.Publish(new RolloutWaveStarted(rolling.JobId, 1, plan.WaveEnd(0, rolling.Targets), now), ct);
            await SetAsync(conn, tx, rolling.JobId, "wave_state = 'dispatching'", now, null, ct);
            await tx.CommitAsync(ct);
            return true;
        }

        var waveEnd = plan.WaveEnd(rolling.Wave, rolling.Targets);
        if (rolling.Dispatched < waveEnd) return await DispatchAsync(conn, tx, rolling, plan, waveEnd, now, activity, ct);
        if (rolling.Wave >= plan.WaveCount(rolling.Targets) - 1)
        {
            await SetAsync(conn, tx, rolling.JobId, "state = 'dispatched'", now, null, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        return await MoveWaveOnAsync(conn, tx, rolling, plan, now, ct);
    }

    private async Task<bool> DispatchAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Rolling rolling, RolloutPlan plan, int waveEnd,
        DateTimeOffset now, System.Diagnostics.Activity? activity, CancellationToken ct)
    {
        if (!plan.InWindow(now))
        {
            var opens = plan.NextWindowOpens(now) ?? now.AddHours(1);
            await SetAsync(conn, tx, rolling.JobId, "next_check_at = $3, rate_at = $3, rate_tokens = 0", now, opens, ct);
            await tx.CommitAsync(ct);
            return false;
        }

        var succeeded = plan.Rollout.ExponentialRate is { NumberOfSucceededDevices: > 0 } ? (await ledger.CountAsync(rolling.JobId, ct)).SucceededCount : 0;
        var rate = plan.RatePerMinute(rolling.Dispatched, succeeded);
        if (rate is { } changed && plan.Rollout.ExponentialRate is not null && changed != rolling.Rate)
            await bus.Publish(new RolloutRateChanged(rolling.JobId, changed, now), ct);
        var tokens = rate is { } r ? RolloutPlan.Refill(rolling.Tokens, now - rolling.RateAt, r) : MaxPerPass;
        var take = (int)Math.Min(Math.Min(Math.Floor(tokens), Math.Min(waveEnd - rolling.Dispatched, plan.DevicesBeforeNextIncrease(rolling.Dispatched))), MaxPerPass);
        if (take < 1)
        {
            await using var wait = new NpgsqlCommand("""
                update scheduler.job_schedules set rate_tokens = $2, rate_at = $3, rate_per_minute = $4, next_check_at = $5 where job_id = $1
                """, conn, tx);
            wait.Parameters.AddWithValue(rolling.JobId);
            wait.Parameters.AddWithValue(tokens);
            wait.Parameters.AddWithValue(now.UtcDateTime);
            wait.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = rate, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
            wait.Parameters.AddWithValue((now + RolloutPlan.UntilOneToken(tokens, rate!.Value)).UtcDateTime);
            await wait.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return false;
        }

        var next = await DeviceJobLedger.NextAfterAsync(conn, tx, rolling.JobId, rolling.Cursor, take, ct);
        if (next.Count == 0)
        {
            // Fewer device jobs than targets counted (a device job removed meanwhile): the wave ends where the ledger does.
            await SetAsync(conn, tx, rolling.JobId, "rollout_dispatched = target_count", now, null, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        await using (var record = new NpgsqlCommand("""
            update scheduler.job_schedules
               set unsent_after = dispatch_cursor, unsent_through = $2, dispatch_cursor = $2, rollout_dispatched = rollout_dispatched + $3,
                   rate_tokens = $4, rate_at = $5, rate_per_minute = $6, next_check_at = null, updated_at = $5,
                   first_dispatch_at = coalesce(first_dispatch_at, $5)
             where job_id = $1
            """, conn, tx))
        {
            record.Parameters.AddWithValue(rolling.JobId);
            record.Parameters.AddWithValue(next[^1].DeviceId);
            record.Parameters.AddWithValue(next.Count);
            record.Parameters.AddWithValue(Math.Max(0, tokens - next.Count));
            record.Parameters.AddWithValue(now.UtcDateTime);
            record.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = rate, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
            await record.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        var devices = next.Where(d => d.Pending).Select(d => d.DeviceId).ToList();
        await publisher.PublishAsync(rolling.Job, devices, activity, ct);
        SchedulerMetrics.RecordDispatched(devices.Count, rolling.Job.Type);
        return true;
    }

    /// <summary>A wave is fully dispatched: wait for its devices to finish, bake, check its success share, wait for approval, go on.</summary>
    private async Task<bool> MoveWaveOnAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Rolling rolling, RolloutPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        var wave = plan.Wave(rolling.Wave)!;
        switch (rolling.WaveState)
        {
            case "dispatching":
            case "finishing":
                var counts = await ledger.CountBetweenAsync(rolling.JobId, rolling.WaveStartCursor, rolling.Cursor, ct);
                if (counts.PendingCount + counts.RunningCount > 0)
                {
                    await SetAsync(conn, tx, rolling.JobId, "wave_state = 'finishing', next_check_at = $3", now, now + FinishingPoll, ct);
                    await tx.CommitAsync(ct);
                    return false;
                }
                // Told in the transaction that leaves 'finishing': a crash before the commit tells it again, which jobs-api ignores.
                var (waveDevices, waveSucceeded) = await ledger.CountSucceededBetweenAsync(rolling.JobId, rolling.WaveStartCursor, rolling.Cursor, ct);
                await bus.Publish(new RolloutWaveCompleted(rolling.JobId, rolling.Wave + 1, waveDevices, waveSucceeded, now), ct);
                await SetAsync(conn, tx, rolling.JobId, "wave_state = 'baking', wave_until = $3, next_check_at = $3", now, now.AddSeconds(wave.BakeTimeInSeconds), ct);
                await tx.CommitAsync(ct);
                return true;

            case "baking":
                if (rolling.WaveUntil is { } until && until > now)
                {
                    await SetAsync(conn, tx, rolling.JobId, "next_check_at = $3", now, until, ct);
                    await tx.CommitAsync(ct);
                    return false;
                }
                if (wave.MinSuccessPercentage is { } minimum)
                {
                    var (devices, succeeded) = await ledger.CountSucceededBetweenAsync(rolling.JobId, rolling.WaveStartCursor, rolling.Cursor, ct);
                    var share = devices == 0 ? 100 : 100.0 * succeeded / devices;
                    if (share < minimum)
                        return await StopAsync(conn, tx, rolling, $"Wave {rolling.Wave + 1} succeeded on {succeeded} of {devices} devices " +
                            $"({share:0.#}%), below its minSuccessPercentage of {minimum}%.", cancelled: true, now, ct);
                }
                if (wave.RequiresApproval && rolling.ApprovedWave < rolling.Wave)
                {
                    await bus.Publish(new RolloutWaveAwaitingApproval(rolling.JobId, rolling.Wave + 1, now), ct);
                    await SetAsync(conn, tx, rolling.JobId, "wave_state = 'approval', next_check_at = $3", now, now + ApprovalPoll, ct);
                    await tx.CommitAsync(ct);
                    return true;
                }
                return await NextWaveAsync(conn, tx, rolling, plan, now, ct);

            case "approval":
                if (rolling.ApprovedWave >= rolling.Wave) return await NextWaveAsync(conn, tx, rolling, plan, now, ct);
                await SetAsync(conn, tx, rolling.JobId, "next_check_at = $3", now, now + ApprovalPoll, ct);
                await tx.CommitAsync(ct);
                return false;

            default:
                throw new InvalidOperationException($"Job {rolling.JobId} has the unknown wave state '{rolling.WaveState}'.");
        }
    }

    private async Task<bool> NextWaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Rolling rolling, RolloutPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        var next = rolling.Wave + 1;
        await using (var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set wave = $2, wave_state = 'dispatching', wave_start_cursor = dispatch_cursor, wave_until = null, next_check_at = null,
                   rate_at = $3, rate_tokens = 0
             where job_id = $1
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(rolling.JobId);
            cmd.Parameters.AddWithValue(next);
            cmd.Parameters.AddWithValue(now.UtcDateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await bus.Publish(new RolloutWaveStarted(rolling.JobId, next + 1, plan.WaveEnd(next, rolling.Targets), now), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Job {JobId} started wave {Wave}", rolling.JobId, next + 1);
        return true;
    }

    /// <summary>
    /// No more dispatch: devices not yet dispatched are canceled; those running finish. jobs-api is told by the next pass,
    /// once the cancel is committed (<see cref="TellStoppedAsync"/>): told before, it could count devices still pending and
    /// never complete the job.
    /// </summary>
    private async Task<bool> StopAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Rolling rolling, string reason, bool cancelled,
        DateTimeOffset now, CancellationToken ct)
    {
        var canceled = await DeviceJobLedger.CancelPendingAsync(conn, tx, rolling.JobId, now, ct);
        await using (var cmd = new NpgsqlCommand("""
            update scheduler.job_schedules
               set wave_state = 'stopping', stop_reason = $2, stop_cancels = $3, stop_canceled = $4, next_check_at = null, updated_at = $5
             where job_id = $1
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(rolling.JobId);
            cmd.Parameters.AddWithValue(reason);
            cmd.Parameters.AddWithValue(cancelled);
            cmd.Parameters.AddWithValue(canceled);
            cmd.Parameters.AddWithValue(now.UtcDateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        logger.LogWarning("Job {JobId} stopped its rollout: {Reason}", rolling.JobId, reason);
        return true;
    }

    /// <summary>Tells jobs-api that the rollout stopped; a crash before the commit tells it again, which jobs-api ignores.</summary>
    private async Task<bool> TellStoppedAsync(NpgsqlTransaction tx, Rolling rolling, NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        await bus.Publish(new RolloutStopped(rolling.JobId, rolling.StopReason ?? "", rolling.StopCancels, now, rolling.Targets, rolling.StopCanceled), ct);
        await SetAsync(conn, tx, rolling.JobId, "state = 'dispatched', next_check_at = null", now, null, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task<Rolling?> PickAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        await using var pick = new NpgsqlCommand("""
            select job_id, job::text, target_count, dispatch_cursor, rollout_dispatched, rate_per_minute, rate_tokens, rate_at,
                   wave, wave_state, wave_start_cursor, wave_until, approved_wave, trace_parent, stop_reason, coalesce(stop_cancels, false),
                   coalesce(stop_canceled, 0)
              from scheduler.job_schedules
             where state = 'rolling' and unsent_through is null
               and ((not paused and (next_check_at is null or next_check_at <= $1)) or end_at <= $1 or wave_state = 'stopping')
             order by next_check_at nulls first limit 1 for update skip locked
            """, conn, tx);
        pick.Parameters.AddWithValue(now.UtcDateTime);
        await using var r = await pick.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Rolling(r.GetString(0), JsonSerializer.Deserialize<JobCreated>(r.GetString(1))!, r.GetInt32(2), r.IsDBNull(3) ? "" : r.GetString(3),
            r.GetInt32(4), r.IsDBNull(5) ? null : r.GetDouble(5), r.GetDouble(6), r.IsDBNull(7) ? now : new DateTimeOffset(r.GetDateTime(7), TimeSpan.Zero),
            r.GetInt32(8), r.IsDBNull(9) ? "dispatching" : r.GetString(9), r.IsDBNull(10) ? "" : r.GetString(10),
            r.IsDBNull(11) ? null : new DateTimeOffset(r.GetDateTime(11), TimeSpan.Zero), r.GetInt32(12), r.IsDBNull(13) ? null : r.GetString(13),
            r.IsDBNull(14) ? null : r.GetString(14), r.GetBoolean(15), r.GetInt32(16));
    }

    /// <summary>One update of the row; <paramref name="assignments"/> is fixed SQL of this class, <c>$3</c> its only value.</summary>
    private static async Task SetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string assignments, DateTimeOffset now,
        DateTimeOffset? at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"update scheduler.job_schedules set {assignments}, updated_at = $2 where job_id = $1", conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        if (at is { } value) cmd.Parameters.AddWithValue(value.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
