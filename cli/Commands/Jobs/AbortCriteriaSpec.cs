using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>--abort-criteria failed:10:cancel:50</c>: the rollout's abort criteria in one word (cli/README.md, "Rollouts"). Each
/// is <c>TYPE:THRESHOLD_%:ACTION[:MIN_EXECUTED]</c> — when at least MIN_EXECUTED devices ran and THRESHOLD_% of them failed
/// as TYPE says (failed, timedOut, notOnline, any), the job is cancelled or paused (ACTION).
/// </summary>
public static class AbortCriteriaSpec
{
    public static JsonArray Parse(string text)
    {
        var criteria = new JsonArray();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length is < 3 or > 4 || parts.Any(p => p.Length == 0))
                throw new UsageException($"--abort-criteria: '{item}' is not TYPE:THRESHOLD_%:ACTION[:MIN_EXECUTED], e.g. failed:10:cancel:50");
            var criterion = new JsonObject
            {
                ["failureType"] = parts[0],
                ["action"] = parts[2],
                ["thresholdPercentage"] = WaveSpec.Number("--abort-criteria", parts[1].TrimEnd('%'), item),
            };
            if (parts.Length == 4) criterion["minNumberOfExecutedDevices"] = WaveSpec.Whole("--abort-criteria", parts[3], item);
            criteria.Add(criterion);
        }
        return criteria;
    }
}
