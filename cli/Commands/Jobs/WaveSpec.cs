using System.Globalization;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>--waves 1%:600:99:approve,100%</c>: the rollout's waves in one word (cli/README.md, "Rollouts"). Each wave is
/// <c>SIZE[:BAKE_SECONDS[:MIN_SUCCESS_%]][:approve]</c>: SIZE ending in <c>%</c> is a cumulative share of the devices
/// (<c>percentage</c>), a bare number a cumulative device count (<c>count</c>); an empty field is left out
/// (<c>10%::95</c>); <c>approve</c> last means the next wave waits for <c>iotjobs job approve</c>.
/// </summary>
public static class WaveSpec
{
    private const string Option = "--waves";

    public static JsonArray Parse(string text)
    {
        var waves = new JsonArray();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', StringSplitOptions.TrimEntries).ToList();
            var wave = new JsonObject();
            var approve = parts.Count > 1 && string.Equals(parts[^1], "approve", StringComparison.OrdinalIgnoreCase);
            if (approve) parts.RemoveAt(parts.Count - 1);
            if (parts.Count is 0 or > 3 || parts[0].Length == 0)
                throw new UsageException($"{Option}: '{item}' is not SIZE[:BAKE_SECONDS[:MIN_SUCCESS_%]][:approve], e.g. 10%:600:99:approve");
            if (parts[0].EndsWith('%')) wave["percentage"] = Number(Option, parts[0][..^1], item);
            else wave["count"] = Whole(Option, parts[0], item);
            if (parts.Count > 1 && parts[1].Length > 0) wave["bakeTimeInSeconds"] = Whole(Option, parts[1], item);
            if (parts.Count > 2 && parts[2].Length > 0) wave["minSuccessPercentage"] = Number(Option, parts[2].TrimEnd('%'), item);
            if (approve) wave["requiresApproval"] = true;
            waves.Add(wave);
        }
        return waves;
    }

    internal static double Number(string option, string text, string item) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"{option}: in '{item}', '{text}' is not a number");

    internal static long Whole(string option, string text, string item) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{option}: in '{item}', '{text}' is not a whole number");
}
