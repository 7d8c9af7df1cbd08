using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Query;
using IotHubJobs.Registry;
using IotHubJobs.Rollouts;
using JobsApi.Http;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// <c>PUT /jobs/v2/{jobId}?dryRun=true</c>: a valid JobRequest is answered with what it would do now — how many devices
/// match, the first 20 of them, the wave plan and the estimated duration at its rate — and nothing is recorded
/// (docs/rollouts.md, "Dry run"). The plan is the scheduler's own arithmetic (<see cref="RolloutPlan"/>).
/// </summary>
public static class DryRun
{
    public const int SampleSize = 20;

    public static bool Requested(HttpRequest request) =>
        request.Query.TryGetValue("dryRun", out var value) && string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<IResult> AnswerAsync(JobCreated job, DeviceRegistry registry, CancellationToken ct)
    {
        var condition = QueryParser.ParseCondition(job.QueryCondition, DeviceQuerySource.Source);
        var (count, samples) = await registry.PreviewTargetsAsync(condition, SampleSize, ct);
        var plan = new RolloutPlan(job.Rollout ?? RolloutPlan.Unpaced);
        var waves = new JsonArray();
        var before = 0;
        for (var w = 0; w < plan.WaveCount(count); w++)
        {
            var end = plan.WaveEnd(w, count);
            var wave = plan.Wave(w);
            waves.Add(new JsonObject
            {
                ["wave"] = w + 1,
                ["deviceCount"] = end - before,
                ["cumulativeDeviceCount"] = end,
                ["bakeTimeInSeconds"] = wave?.BakeTimeInSeconds ?? 0,
                ["minSuccessPercentage"] = wave?.MinSuccessPercentage,
                ["requiresApproval"] = wave?.RequiresApproval ?? false,
            });
            before = end;
        }
        var estimate = plan.EstimateDuration(count);
        return IotHubJson.Ok(new JsonObject
        {
            ["jobId"] = job.JobId,
            ["type"] = job.Type,
            ["dryRun"] = true,
            ["deviceCount"] = count,
            ["sampleDeviceIds"] = new JsonArray(samples.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray()),
            ["waves"] = waves,
            ["estimatedDurationInSeconds"] = estimate is { } e ? Math.Ceiling(e.TotalSeconds) : null,
            ["estimateAssumes"] = estimate is null
                ? "No rate is set: devices are dispatched as fast as the system runs."
                : "Every device answers at once and succeeds, maintenance windows are open and approvals are given at once; bake times are included.",
        });
    }
}
