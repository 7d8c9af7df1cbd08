using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using JobsApi.Http;
using JobsApi.Jobs.Rollouts;

namespace JobsApi.Jobs;

/// <summary>The JobResponse wire shape (docs/iothub-api.md, "Jobs v2").</summary>
public static class JobResponse
{
    public static JsonObject From(JobStatus job, DeviceJobStatistics? liveStatistics)
    {
        var response = new JsonObject
        {
            ["jobId"] = job.Id,
            ["type"] = job.Type,
            ["status"] = job.Status,
            ["queryCondition"] = job.QueryCondition,
            ["createdTime"] = IotHubJson.Date(job.CreatedTime),
            ["startTime"] = IotHubJson.Date(job.StartTime),
            ["endTime"] = IotHubJson.Date(job.EndTime),
            ["maxExecutionTimeInSeconds"] = job.MaxExecutionTimeInSeconds,
        };
        if (job.CloudToDeviceMethod is { } m)
            response["cloudToDeviceMethod"] = new JsonObject
            {
                ["methodName"] = m.MethodName,
                ["payload"] = IotHubJson.ParseOrNull(m.PayloadJson),
                ["responseTimeoutInSeconds"] = m.ResponseTimeoutInSeconds,
                ["connectTimeoutInSeconds"] = m.ConnectTimeoutInSeconds,
            };
        if (job.UpdateTwinJson is { } patch)
        {
            var twin = JsonNode.Parse(patch)!.AsObject();
            twin["deviceId"] ??= null;
            response["updateTwin"] = twin;
        }
        if (job.FailureReason is { } reason) response["failureReason"] = reason;
        if (job.Rollout is { } rollout)
        {
            response["rollout"] = RolloutJson.Write(rollout);
            response["rolloutStatus"] = RolloutJson.Status(job, rollout, job.FinalStatistics ?? liveStatistics);
        }
        if (job.Recurrence is { } recurrence) response["recurrence"] = RolloutJson.Write(recurrence);
        if (job.StatusMessage is { } message) response["statusMessage"] = message;
        // deviceCount is the number of devices targeted, fixed when the fan-out ended; the four counts come from the
        // device jobs, so a device job lost or doubled shows as a difference instead of being summed away.
        var stats = job.FinalStatistics ?? liveStatistics?.Targeting(job.DeviceCount);
        if (stats is not null) response["deviceJobStatistics"] = Statistics(stats);
        return response;
    }

    /// <summary>IoT Hub's deviceJobStatistics object.</summary>
    public static JsonObject Statistics(DeviceJobStatistics stats) => new()
    {
        ["deviceCount"] = stats.DeviceCount,
        ["failedCount"] = stats.FailedCount,
        ["succeededCount"] = stats.SucceededCount,
        ["runningCount"] = stats.RunningCount,
        ["pendingCount"] = stats.PendingCount,
    };

    /// <summary>Statistics are counted live only for jobs that started and have not frozen their final counts.</summary>
    public static bool NeedsLiveStatistics(JobStatus job) => job.FinalStatistics is null && job.StartedAt is not null;
}
