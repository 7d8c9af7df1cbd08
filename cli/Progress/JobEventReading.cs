using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// What one event of a job's stream (<c>GET /jobs/v2/{id}/events</c>, docs/events.md) says about the job's progress:
/// statistics and status when it carries them (at the top level or, CloudEvents-style, under <c>data</c>), and whether the
/// job has ended. An event that says neither asks the watcher to read the job again: progress never depends on knowing
/// every event type, only on the job document being the truth.
/// </summary>
public sealed record JobEventReading(string? Status, JsonNode? Statistics, bool Ended, bool NeedsRefresh)
{
    public static JobEventReading Of(ServerSentEvent e)
    {
        var data = Parse(e.Data);
        var body = data?["data"] is JsonObject inner ? inner : data;
        var status = Text(body?["status"]) ?? Text(body?["jobStatus"]);
        var stats = body?["deviceJobStatistics"] ?? body?["statistics"];
        var ended = NamesEnd(e.Type) || NamesEnd(Text(data?["type"])) ||
                    (status is not null && Array.Exists(JobSnapshot.FinalStatuses, f => string.Equals(f, status, StringComparison.OrdinalIgnoreCase)));
        return new JobEventReading(status, stats, ended, NeedsRefresh: stats is null);
    }

    /// <summary>
    /// <c>JobCompleted</c>, <c>job.completed</c>, <c>job-cancelled</c>, <c>…jobs.job.failed</c> — the job's own end, never a
    /// device job's (<c>DeviceJobsCompleted</c>, <c>device.job.failed</c>).
    /// </summary>
    public static bool NamesEnd(string? type)
    {
        if (string.IsNullOrEmpty(type)) return false;
        var words = type.Replace("_", ".").Replace("-", ".");
        foreach (var end in new[] { "completed", "failed", "cancelled", "canceled" })
        {
            if (string.Equals(words, "job" + end, StringComparison.OrdinalIgnoreCase)) return true;
            if (words.EndsWith("job." + end, StringComparison.OrdinalIgnoreCase))
            {
                var before = words[..^("job." + end).Length];
                if (!before.EndsWith("device.", StringComparison.OrdinalIgnoreCase) && !before.EndsWith("devices.", StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    private static JsonObject? Parse(string data)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
