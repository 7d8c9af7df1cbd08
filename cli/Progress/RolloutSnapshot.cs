using System.Text.Json.Nodes;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Progress;

/// <summary>What the progress line shows of a rollout (a JobResponse's <c>rolloutStatus</c>): its wave, an approval awaited, its rate.</summary>
public sealed record RolloutSnapshot(string? Wave, bool AwaitingApproval, string? Rate)
{
    public static RolloutSnapshot? From(JsonNode job) => job["rolloutStatus"] is JsonObject status
        ? new RolloutSnapshot(RolloutView.Wave(status), (bool?)status["awaitingApproval"] == true, RolloutView.Rate(status))
        : null;

    /// <summary><c>wave 1 of 2 · awaiting approval · 600/min</c>, the parts that are known.</summary>
    public IEnumerable<string> Parts()
    {
        if (Wave is not null) yield return $"wave {Wave}";
        if (AwaitingApproval) yield return "awaiting approval";
        if (Rate is not null) yield return Rate;
    }
}
