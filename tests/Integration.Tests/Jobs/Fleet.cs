using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>Creates simulated devices through the public bulk API and waits for jobs through GET /jobs/v2.</summary>
public static class Fleet
{
    /// <summary>
    /// Devices that device-sim answers for: their tags hold <c>sim</c> (an empty object unless the caller steers them),
    /// the way users mark simulated devices (docs/jobs.md, "device-sim steering tags").
    /// </summary>
    public static async Task<List<string>> CreateAsync(HubClient hub, string prefix, int count, JsonObject? tags = null)
    {
        tags = tags?.DeepClone().AsObject() ?? new JsonObject();
        tags["sim"] ??= new JsonObject();
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D6}").ToList();
        foreach (var chunk in ids.Chunk(100))
        {
            var body = new JsonArray(chunk.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = id, ["importMode"] = "create", ["status"] = "enabled",
                ["tags"] = tags?.DeepClone() ?? new JsonObject(),
            }).ToArray());
            (await hub.PostAsync("/devices", body)).EnsureStatus(HttpStatusCode.OK);
        }
        return ids;
    }

    /// <summary>
    /// Devices tagged <c>run</c> that answer after latencies spread evenly up to <paramref name="maxLatencyMs"/>, in ten
    /// groups: a job's results then stream in over that time instead of arriving at once, so a fault can land mid-stream.
    /// </summary>
    public static async Task<List<string>> CreateStaggeredAsync(HubClient hub, string prefix, int count, string run, int maxLatencyMs)
    {
        var ids = new List<string>(count);
        for (var group = 0; group < 10; group++)
            ids.AddRange(await CreateAsync(hub, $"{prefix}-{group}", count / 10,
                new JsonObject { ["run"] = run, ["sim"] = new JsonObject { ["latencyMs"] = maxLatencyMs * (group + 1) / 10 } }));
        return ids;
    }

    public static JsonObject MethodJob(string jobId, string queryCondition, string methodName = "reboot", JsonNode? payload = null,
        int responseTimeoutInSeconds = 30, DateTimeOffset? startTime = null, long? maxExecutionTimeInSeconds = null) => new()
    {
        ["jobId"] = jobId,
        ["type"] = "scheduleDeviceMethod",
        ["cloudToDeviceMethod"] = new JsonObject
        {
            ["methodName"] = methodName, ["payload"] = payload ?? new JsonObject(), ["responseTimeoutInSeconds"] = responseTimeoutInSeconds,
        },
        ["queryCondition"] = queryCondition,
        ["startTime"] = startTime?.UtcDateTime.ToString("O"),
        ["maxExecutionTimeInSeconds"] = maxExecutionTimeInSeconds,
    };

    /// <summary>Polls the job until it reaches a final status (or the generous deadline passes) and returns its last JobResponse.</summary>
    public static async Task<JsonNode> WaitUntilFinishedAsync(HubClient hub, string jobId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(3));
        JsonNode? job = null;
        do
        {
            var response = await hub.GetAsync($"/jobs/v2/{jobId}");
            // Retried like the service SDKs retry it: a replica of jobs-api that just died answers so until the gateway stops using it.
            if (response.Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                continue;
            }
            job = response.EnsureStatus(HttpStatusCode.OK).Json;
            if ((string?)job["status"] is "completed" or "failed" or "cancelled" && job["deviceJobStatistics"] is not null
                && (int)job["deviceJobStatistics"]!["pendingCount"]! + (int)job["deviceJobStatistics"]!["runningCount"]! == 0)
                return job;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Job {jobId} did not finish: {job?.ToJsonString() ?? "503 ServiceUnavailable throughout"}");
    }
}
