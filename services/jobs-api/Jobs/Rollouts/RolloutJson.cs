using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Rollouts;
using JobsApi.Http;

namespace JobsApi.Jobs.Rollouts;

/// <summary>A job's <c>rollout</c> and <c>recurrence</c> in the shape a JobRequest gives them (docs/rollouts.md), echoed in every JobResponse.</summary>
public static class RolloutJson
{
    public static JsonObject Write(JobRollout r)
    {
        var json = new JsonObject();
        if (r.MaximumPerMinute is { } max) json["maximumPerMinute"] = max;
        if (r.ExponentialRate is { } e)
        {
            var criteria = new JsonObject();
            if (e.NumberOfNotifiedDevices > 0) criteria["numberOfNotifiedDevices"] = e.NumberOfNotifiedDevices;
            if (e.NumberOfSucceededDevices > 0) criteria["numberOfSucceededDevices"] = e.NumberOfSucceededDevices;
            json["exponentialRate"] = new JsonObject
            {
                ["baseRatePerMinute"] = e.BaseRatePerMinute, ["incrementFactor"] = e.IncrementFactor, ["rateIncreaseCriteria"] = criteria,
            };
        }
        if (r.Waves.Count > 0) json["waves"] = new JsonArray(r.Waves.Select(Wave).ToArray<JsonNode?>());
        if (r.AbortCriteria.Count > 0)
            json["abortCriteria"] = new JsonArray(r.AbortCriteria.Select(a => (JsonNode?)new JsonObject
            {
                ["failureType"] = a.FailureType, ["action"] = a.Action, ["thresholdPercentage"] = a.ThresholdPercentage,
                ["minNumberOfExecutedDevices"] = a.MinNumberOfExecutedDevices,
            }).ToArray());
        if (r.Retry is { } retry)
            json["retry"] = new JsonObject
            {
                ["criteria"] = new JsonArray(retry.Criteria.Select(c => (JsonNode?)new JsonObject
                    { ["failureType"] = c.FailureType, ["numberOfRetries"] = c.NumberOfRetries }).ToArray()),
                ["initialBackoffInSeconds"] = retry.InitialBackoffInSeconds,
                ["maximumBackoffInSeconds"] = retry.MaximumBackoffInSeconds,
            };
        if (r.Acknowledgement is { } ack) json["acknowledgement"] = new JsonObject { ["timeoutInSeconds"] = ack.TimeoutInSeconds };
        if (r.MaintenanceWindows.Count > 0)
            json["maintenanceWindows"] = new JsonArray(r.MaintenanceWindows.Select(w => (JsonNode?)new JsonObject
                { ["cron"] = w.Cron, ["timeZone"] = w.TimeZone, ["durationInMinutes"] = w.DurationInMinutes }).ToArray());
        if (r.EndTime is { } end) json["endTime"] = IotHubJson.Date(end);
        json["endBehavior"] = r.EndBehavior;
        return json;
    }

    /// <summary>
    /// Where a rollout stands (docs/rollouts.md, "rolloutStatus"): its wave, whether that waits for approval, the rate now,
    /// how many devices wait to be dispatched, and the executed outcomes its abort criteria look at.
    /// </summary>
    public static JsonObject Status(JobStatus job, JobRollout r, DeviceJobStatistics? statistics) => new()
    {
        ["currentWave"] = job.CurrentWave,
        ["waveCount"] = job.DeviceCount is { } n ? new RolloutPlan(r).WaveCount(n) : null,
        ["awaitingApproval"] = job.AwaitingApproval,
        ["currentRatePerMinute"] = r.MaximumPerMinute ?? job.CurrentRatePerMinute ?? r.ExponentialRate?.BaseRatePerMinute,
        ["devicesWaiting"] = statistics?.PendingCount,
        ["executedDevices"] = job.Outcomes.Executed,
        ["failedDevices"] = job.Outcomes.Failed,
        ["timedOutDevices"] = job.Outcomes.TimedOut,
        ["notOnlineDevices"] = job.Outcomes.NotOnline,
    };

    public static JsonObject Write(JobRecurrence r) => new() { ["cron"] = r.Cron, ["timeZone"] = r.TimeZone };

    private static JsonNode Wave(RolloutWave w)
    {
        var json = new JsonObject();
        if (w.Percentage is { } p) json["percentage"] = p;
        if (w.Count is { } c) json["count"] = c;
        json["bakeTimeInSeconds"] = w.BakeTimeInSeconds;
        if (w.MinSuccessPercentage is { } s) json["minSuccessPercentage"] = s;
        json["requiresApproval"] = w.RequiresApproval;
        return json;
    }
}
