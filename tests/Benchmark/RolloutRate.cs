using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>
/// The rate a paced job (<c>./bench.sh --rate N</c>: a rollout's maximumPerMinute, docs/rollouts.md) achieved, from when
/// each device job was claimed: devices per minute over the whole run, and per full minute since the first claim, with
/// whether every full minute stayed within ±5% of the requested rate (the accuracy figure, a benchmark rather
/// than a timed test assertion).
/// </summary>
public static class RolloutRate
{
    public static async Task<JsonObject> MeasureAsync(NpgsqlDataSource db, string jobId, int requestedPerMinute)
    {
        await using var cmd = db.CreateCommand("select start_utc from dispatch.device_jobs where job_id = $1 and start_utc is not null order by start_utc");
        cmd.Parameters.AddWithValue(jobId);
        var starts = new List<DateTime>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) starts.Add(reader.GetDateTime(0));
        if (starts.Count < 2) return new JsonObject { ["requestedPerMinute"] = requestedPerMinute, ["achievedPerMinute"] = null };

        var first = starts[0];
        var span = starts[^1] - first;
        var fullMinutes = (int)Math.Floor(span.TotalMinutes);
        var perMinute = Enumerable.Range(0, fullMinutes)
            .Select(m => starts.Count(s => s >= first.AddMinutes(m) && s < first.AddMinutes(m + 1)))
            .ToList();
        var within = perMinute.All(n => Math.Abs(n - requestedPerMinute) <= requestedPerMinute * 0.05);
        return new JsonObject
        {
            ["requestedPerMinute"] = requestedPerMinute,
            // n claims span n - 1 intervals.
            ["achievedPerMinute"] = Math.Round((starts.Count - 1) / Math.Max(span.TotalMinutes, 1e-9), 1),
            ["perFullMinute"] = new JsonArray(perMinute.Select(n => (JsonNode?)n).ToArray()),
            ["everyFullMinuteWithin5Percent"] = fullMinutes == 0 ? null : within,
        };
    }
}
