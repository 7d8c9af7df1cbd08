using Cronos;
using IotHubJobs.Contracts.Jobs.Rollouts;

namespace IotHubJobs.Rollouts;

/// <summary>
/// The arithmetic of a rollout (docs/rollouts.md), free of storage and clocks so it is specified on its own: where each
/// wave ends, the rate at this point, how the token bucket refills, when the maintenance windows are open.
/// </summary>
public sealed class RolloutPlan(JobRollout rollout)
{
    /// <summary>A job without a rollout: one wave, no rate, no windows.</summary>
    public static readonly JobRollout Unpaced = new(null, null, [], [], null, null, [], null, "stopRollout");

    public JobRollout Rollout => rollout;

    /// <summary>Waves as requested, plus a last implicit one for the devices the requested waves leave out.</summary>
    public int WaveCount(int targetCount) =>
        rollout.Waves.Count == 0 ? 1 : WaveEnd(rollout.Waves.Count - 1, targetCount) < targetCount ? rollout.Waves.Count + 1 : rollout.Waves.Count;

    /// <summary>
    /// How many devices are dispatched once wave <paramref name="wave"/> (0-based) is: cumulative, never past the target,
    /// never below the wave before (a count after a larger percentage is an empty wave).
    /// </summary>
    public int WaveEnd(int wave, int targetCount)
    {
        if (wave >= rollout.Waves.Count) return targetCount;
        var end = 0;
        for (var i = 0; i <= wave; i++)
        {
            var w = rollout.Waves[i];
            end = Math.Max(end, w.Percentage is { } p ? (int)Math.Ceiling(targetCount * p / 100.0) : w.Count!.Value);
        }
        return Math.Min(end, targetCount);
    }

    /// <summary>The requested wave, or null for the implicit last one (no bake, no check, no approval).</summary>
    public RolloutWave? Wave(int wave) => wave < rollout.Waves.Count ? rollout.Waves[wave] : null;

    /// <summary>Devices a minute now, or null for no limit: constant, or the exponential rate after the increases earned so far.</summary>
    public double? RatePerMinute(int dispatched, int succeeded)
    {
        if (rollout.MaximumPerMinute is { } max) return max;
        if (rollout.ExponentialRate is not { } e) return null;
        var byNotified = e.NumberOfNotifiedDevices > 0 ? dispatched / e.NumberOfNotifiedDevices : int.MaxValue;
        var bySucceeded = e.NumberOfSucceededDevices > 0 ? succeeded / e.NumberOfSucceededDevices : int.MaxValue;
        var increases = Math.Min(byNotified, bySucceeded);
        var rate = e.BaseRatePerMinute * Math.Pow(e.IncrementFactor, Math.Min(increases, 100));
        return Math.Min(rate, 100_000);
    }

    /// <summary>
    /// How many devices may go at the rate of <see cref="RatePerMinute"/> before the next increase an exponential rollout can
    /// earn by notified devices: a dispatch pass stops there, so the next pass sends at the new rate. No limit otherwise.
    /// </summary>
    public int DevicesBeforeNextIncrease(int dispatched) =>
        rollout.ExponentialRate is { NumberOfNotifiedDevices: > 0 } e ? NextIncrease(dispatched, e.NumberOfNotifiedDevices) - dispatched : int.MaxValue;

    /// <summary>
    /// The token bucket after <paramref name="elapsed"/>: it fills at the rate and holds at most one second's worth (at
    /// least one token), so no minute ever sees more than the rate plus that second.
    /// </summary>
    public static double Refill(double tokens, TimeSpan elapsed, double ratePerMinute)
    {
        var capacity = Math.Max(1, ratePerMinute / 60);
        return Math.Min(capacity, tokens + Math.Max(0, elapsed.TotalSeconds) * ratePerMinute / 60);
    }

    /// <summary>How long until the bucket holds one token.</summary>
    public static TimeSpan UntilOneToken(double tokens, double ratePerMinute) =>
        tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - tokens) * 60 / ratePerMinute);

    /// <summary>
    /// How long dispatching <paramref name="targetCount"/> devices takes at the rollout's rate, bake times included,
    /// assuming every device succeeds and answers at once, windows always open and approvals given at once; null
    /// when the rollout sets no rate (dispatch then runs as fast as the system does).
    /// </summary>
    public TimeSpan? EstimateDuration(int targetCount)
    {
        if (rollout.MaximumPerMinute is null && rollout.ExponentialRate is null) return null;
        var minutes = 0.0;
        var dispatched = 0;
        while (dispatched < targetCount)
        {
            var rate = RatePerMinute(dispatched, dispatched)!.Value;
            // Up to the next rate increase (or the end): the rate is constant in between.
            var step = rollout.ExponentialRate is { } e ? NextIncrease(dispatched, Math.Max(e.NumberOfNotifiedDevices, e.NumberOfSucceededDevices)) - dispatched : targetCount;
            var devices = Math.Min(step, targetCount - dispatched);
            minutes += devices / rate;
            dispatched += devices;
        }
        var bakes = Enumerable.Range(0, WaveCount(targetCount) - 1).Sum(w => Wave(w)?.BakeTimeInSeconds ?? 0);
        return TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(bakes);
    }

    private static int NextIncrease(int dispatched, int every) => (dispatched / every + 1) * every;

    /// <summary>True when no windows are set, or one is open at <paramref name="now"/>.</summary>
    public bool InWindow(DateTimeOffset now) => rollout.MaintenanceWindows.Count == 0 || rollout.MaintenanceWindows.Any(w => Opened(w, now) is not null);

    /// <summary>The next moment a window opens after <paramref name="now"/>, or null when none ever does.</summary>
    public DateTimeOffset? NextWindowOpens(DateTimeOffset now) => rollout.MaintenanceWindows
        .Select(w => Cron(w).GetNextOccurrence(now.UtcDateTime, Zone(w)))
        .Where(t => t is not null)
        .Select(t => (DateTimeOffset?)new DateTimeOffset(t!.Value, TimeSpan.Zero))
        .Min();

    /// <summary>When the window's current occurrence opened, if it is open at <paramref name="now"/>.</summary>
    private static DateTimeOffset? Opened(MaintenanceWindow w, DateTimeOffset now)
    {
        var duration = TimeSpan.FromMinutes(w.DurationInMinutes);
        // Open over [occurrence, occurrence + duration): the first occurrence after (now - duration), if it is not after now.
        var from = now.UtcDateTime - duration;
        var start = Cron(w).GetNextOccurrence(from, Zone(w), inclusive: false);
        return start is { } s && s <= now.UtcDateTime ? new DateTimeOffset(s, TimeSpan.Zero) : null;
    }

    private static CronExpression Cron(MaintenanceWindow w) => CronExpression.Parse(w.Cron);

    private static TimeZoneInfo Zone(MaintenanceWindow w) => TimeZoneInfo.FindSystemTimeZoneById(w.TimeZone);
}
