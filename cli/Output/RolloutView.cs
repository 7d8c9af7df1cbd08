using System.Globalization;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Output;

/// <summary>
/// Where a rollout stands, from a JobResponse's <c>rolloutStatus</c> (services/jobs-api/Jobs/Rollouts/RolloutJson.cs): the wave of how
/// many, whether it waits for approval, the rate, the devices still waiting. Shared by <c>job show</c> and the progress line.
/// </summary>
public static class RolloutView
{
    /// <summary>Name and text pairs for the job's sheet; none for a job without a rollout.</summary>
    public static IEnumerable<(string Name, string Value)> Rows(JsonNode job)
    {
        if (job["rolloutStatus"] is not JsonObject status) yield break;
        if (Wave(status) is { } wave) yield return ("wave", wave);
        yield return ("awaitingApproval", (bool?)status["awaitingApproval"] == true ? "yes: 'iotjobs job approve' starts the next wave" : "no");
        if (Rate(status) is { } rate) yield return ("rate", rate);
        if (JobView.Text(status["devicesWaiting"]) is { } waiting) yield return ("devicesWaiting", waiting);
        if (job["rollout"] is JsonObject rollout) yield return ("rollout", rollout.ToJsonString());
    }

    /// <summary><c>wave 1/2</c>, or null before the rollout knows its waves.</summary>
    public static string? Wave(JsonNode status) =>
        JobView.Text(status["currentWave"]) is { } current
            ? JobView.Text(status["waveCount"]) is { } count ? $"{current} of {count}" : current
            : null;

    /// <summary><c>600/min</c>, or null for a rollout without a rate.</summary>
    public static string? Rate(JsonNode status) =>
        status["currentRatePerMinute"] is JsonValue v && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
            ? $"{rate.ToString("0.#", CultureInfo.InvariantCulture)}/min"
            : null;
}
