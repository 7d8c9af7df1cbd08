using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// What a progress display shows of a job: its status and the counts of <c>deviceJobStatistics</c>
/// (docs/iothub-api.md, "Jobs v2"; canceled device jobs count as failed), and where its rollout stands, if it has one.
/// </summary>
public sealed record JobSnapshot(string JobId, string Status, long DeviceCount, long Succeeded, long Failed, long Running, long Pending,
    RolloutSnapshot? Rollout = null)
{
    public static readonly string[] FinalStatuses = ["completed", "failed", "cancelled"];

    public bool IsFinished => FinalStatuses.Contains(Status, StringComparer.OrdinalIgnoreCase);
    public long Finished => Succeeded + Failed;

    /// <summary>The devices targeted so far; before the fan-out ends <c>deviceCount</c> may lag the four counts.</summary>
    public long Total => Math.Max(DeviceCount, Succeeded + Failed + Running + Pending);

    public static JobSnapshot From(JsonNode job)
    {
        var stats = job["deviceJobStatistics"];
        return new JobSnapshot(
            Text(job["jobId"]) ?? "", Text(job["status"]) ?? "unknown",
            Count(stats?["deviceCount"]), Count(stats?["succeededCount"]), Count(stats?["failedCount"]),
            Count(stats?["runningCount"]), Count(stats?["pendingCount"]), RolloutSnapshot.From(job));
    }

    /// <summary>This snapshot with statistics and/or status an event carried; fields the event left out stay.</summary>
    public JobSnapshot With(string? status, JsonNode? stats) => stats is null
        ? this with { Status = status ?? Status }
        : new JobSnapshot(JobId, status ?? Status,
            Count(stats["deviceCount"], DeviceCount), Count(stats["succeededCount"], Succeeded), Count(stats["failedCount"], Failed),
            Count(stats["runningCount"], Running), Count(stats["pendingCount"], Pending), Rollout);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A count whether the node was parsed from text or built in code (a built int is no long to TryGetValue).</summary>
    private static long Count(JsonNode? node, long otherwise = 0) =>
        node is JsonValue && long.TryParse(node.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : otherwise;
}
