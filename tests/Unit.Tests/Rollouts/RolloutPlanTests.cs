using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Rollouts;

namespace Unit.Tests.Rollouts;

public class RolloutPlanTests
{
    private static JobRollout Rollout(int? perMinute = null, ExponentialRolloutRate? exponential = null, IReadOnlyList<RolloutWave>? waves = null,
        IReadOnlyList<MaintenanceWindow>? windows = null) =>
        new(perMinute, exponential, waves ?? [], [], null, null, windows ?? [], null, "stopRollout");

    private static RolloutWave Percent(double p, int bake = 0) => new(p, null, bake, null, false);

    [Fact]
    public void Waves_are_cumulative_shares_of_the_target_rounded_up()
    {
        var plan = new RolloutPlan(Rollout(waves: [Percent(1), Percent(10), Percent(100)]));
        Assert.Equal([11, 101, 1001], Enumerable.Range(0, 3).Select(w => plan.WaveEnd(w, 1001)));
        Assert.Equal(3, plan.WaveCount(1001));
    }

    [Fact]
    public void Devices_the_requested_waves_leave_out_form_a_last_wave_of_their_own()
    {
        var plan = new RolloutPlan(Rollout(waves: [new RolloutWave(null, 5, 0, null, false), new RolloutWave(null, 20, 0, null, false)]));
        Assert.Equal(3, plan.WaveCount(50));
        Assert.Equal(50, plan.WaveEnd(2, 50));
        Assert.Null(plan.Wave(2));
    }

    [Fact]
    public void Canary_devices_by_count_then_shares_of_the_fleet_by_percentage_mix_in_one_plan()
    {
        var plan = new RolloutPlan(Rollout(waves: [new RolloutWave(null, 3, 0, null, false), Percent(50), Percent(100)]));
        Assert.Equal([3, 50, 100], Enumerable.Range(0, 3).Select(w => plan.WaveEnd(w, 100)));
        Assert.Equal(3, plan.WaveCount(100));
    }

    [Fact]
    public void A_wave_a_larger_wave_before_already_covers_is_empty_and_the_plan_never_goes_back()
    {
        var plan = new RolloutPlan(Rollout(waves: [Percent(50), new RolloutWave(null, 10, 0, null, false), Percent(100)]));
        Assert.Equal([50, 50, 100], Enumerable.Range(0, 3).Select(w => plan.WaveEnd(w, 100)));
    }

    [Fact]
    public void A_wave_count_beyond_the_target_ends_at_the_target()
    {
        var plan = new RolloutPlan(Rollout(waves: [new RolloutWave(null, 500, 0, null, false)]));
        Assert.Equal(10, plan.WaveEnd(0, 10));
        Assert.Equal(1, plan.WaveCount(10));
    }

    [Fact]
    public void An_exponential_rate_grows_by_its_factor_each_time_both_criteria_are_met()
    {
        var plan = new RolloutPlan(Rollout(exponential: new ExponentialRolloutRate(60, 2.0, 100, 100)));
        Assert.Equal(60, plan.RatePerMinute(99, 500));
        Assert.Equal(120, plan.RatePerMinute(100, 100));
        Assert.Equal(120, plan.RatePerMinute(300, 150));
        Assert.Equal(480, plan.RatePerMinute(300, 300));
    }

    [Fact]
    public void A_dispatch_pass_stops_where_notified_devices_earn_the_next_increase_so_the_new_rate_applies_from_there()
    {
        var plan = new RolloutPlan(Rollout(exponential: new ExponentialRolloutRate(6000, 2.0, 5, 0)));
        Assert.Equal(5, plan.DevicesBeforeNextIncrease(0));
        Assert.Equal(2, plan.DevicesBeforeNextIncrease(8));
        Assert.Equal(int.MaxValue, new RolloutPlan(Rollout(perMinute: 600)).DevicesBeforeNextIncrease(8));
        Assert.Equal(int.MaxValue, new RolloutPlan(Rollout(exponential: new ExponentialRolloutRate(60, 2.0, 0, 10))).DevicesBeforeNextIncrease(8));
    }

    [Fact]
    public void An_exponential_rate_never_exceeds_the_highest_rate_a_request_may_give()
    {
        var plan = new RolloutPlan(Rollout(exponential: new ExponentialRolloutRate(50_000, 5, 1, 0)));
        Assert.Equal(100_000, plan.RatePerMinute(1_000_000, 0));
    }

    [Fact]
    public void A_constant_rate_stays_and_no_rate_means_no_limit()
    {
        Assert.Equal(600, new RolloutPlan(Rollout(perMinute: 600)).RatePerMinute(10_000, 10_000));
        Assert.Null(new RolloutPlan(RolloutPlan.Unpaced).RatePerMinute(0, 0));
    }

    [Fact]
    public void The_token_bucket_fills_at_the_rate_and_holds_one_second_of_it()
    {
        Assert.Equal(5, RolloutPlan.Refill(0, TimeSpan.FromSeconds(0.5), 600));
        Assert.Equal(10, RolloutPlan.Refill(0, TimeSpan.FromMinutes(5), 600));
        Assert.Equal(1, RolloutPlan.Refill(0, TimeSpan.FromMinutes(5), 6));
        Assert.Equal(3, RolloutPlan.Refill(3, TimeSpan.FromSeconds(-2), 600));
    }

    [Fact]
    public void The_wait_for_the_next_token_follows_from_the_rate()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), RolloutPlan.UntilOneToken(0.5, 6));
        Assert.Equal(TimeSpan.Zero, RolloutPlan.UntilOneToken(1, 6));
    }

    [Fact]
    public void A_maintenance_window_is_open_from_its_cron_occurrence_for_its_duration()
    {
        var plan = new RolloutPlan(Rollout(windows: [new MaintenanceWindow("0 2 * * *", "UTC", 120)]));
        Assert.False(plan.InWindow(At("2026-03-10T01:59:59Z")));
        Assert.True(plan.InWindow(At("2026-03-10T02:00:00Z")));
        Assert.True(plan.InWindow(At("2026-03-10T03:59:59Z")));
        Assert.False(plan.InWindow(At("2026-03-10T04:00:00Z")));
        Assert.Equal(At("2026-03-11T02:00:00Z"), plan.NextWindowOpens(At("2026-03-10T04:00:00Z")));
    }

    [Fact]
    public void A_window_in_a_time_zone_follows_its_daylight_saving_time()
    {
        // 02:00 in Berlin is 01:00 UTC in winter and 00:00 UTC in summer (clocks went forward on 2026-03-29).
        var plan = new RolloutPlan(Rollout(windows: [new MaintenanceWindow("0 2 * * *", "Europe/Berlin", 60)]));
        Assert.True(plan.InWindow(At("2026-03-27T01:30:00Z")));
        Assert.False(plan.InWindow(At("2026-03-27T00:30:00Z")));
        Assert.True(plan.InWindow(At("2026-04-02T00:30:00Z")));
        Assert.False(plan.InWindow(At("2026-04-02T01:30:00Z")));
    }

    [Fact]
    public void A_window_that_a_daylight_saving_jump_skips_opens_when_the_clock_resumes()
    {
        // 02:30 does not exist in Berlin on 2026-03-29 (02:00 became 03:00): the cron library fires at the jump, 01:00 UTC.
        var plan = new RolloutPlan(Rollout(windows: [new MaintenanceWindow("30 2 * * *", "Europe/Berlin", 30)]));
        Assert.Equal(At("2026-03-29T01:00:00Z"), plan.NextWindowOpens(At("2026-03-28T12:00:00Z")));
        Assert.True(plan.InWindow(At("2026-03-29T01:10:00Z")));
    }

    [Fact]
    public void Without_windows_dispatch_is_always_allowed()
    {
        Assert.True(new RolloutPlan(Rollout()).InWindow(At("2026-01-01T00:00:00Z")));
    }

    [Fact]
    public void The_estimate_is_the_devices_over_the_rate_plus_the_bake_times_between_waves()
    {
        var plan = new RolloutPlan(Rollout(perMinute: 600, waves: [Percent(10, bake: 300), Percent(100, bake: 900)]));
        // 1,200 devices at 600 a minute: 2 minutes; the bake after the last wave is not waited for.
        Assert.Equal(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(300), plan.EstimateDuration(1200));
    }

    [Fact]
    public void The_estimate_of_an_exponential_rate_follows_its_increases()
    {
        var plan = new RolloutPlan(Rollout(exponential: new ExponentialRolloutRate(100, 2, 100, 0)));
        // 100 at 100/min, 100 at 200/min, 100 at 400/min: 1 + 0.5 + 0.25 minutes.
        Assert.Equal(TimeSpan.FromMinutes(1.75), plan.EstimateDuration(300));
    }

    [Fact]
    public void Without_a_rate_there_is_no_estimate()
    {
        Assert.Null(new RolloutPlan(RolloutPlan.Unpaced).EstimateDuration(1000));
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
