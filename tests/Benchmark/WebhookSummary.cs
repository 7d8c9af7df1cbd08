using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The last line of ./bench.sh --webhook: the median rate of the runs without a subscriber and of those with one
/// (labelled "side": "without" / "with", run alternately on fresh hubs in one sitting), their ratio (with / without),
/// and what the subscriber received over the runs with one — the fewest unique outcomes, and the sums of duplicates,
/// batches and bad signatures, the slowest job end → last outcome.
/// </summary>
public static class WebhookSummary
{
    public static JsonObject From(string runsFile, int rounds)
    {
        var runs = File.ReadLines(runsFile).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        List<JsonObject> Side(string side) => runs.Where(r => (string?)r["side"] == side).ToList();
        double MedianRate(string side) => ComparisonSummary.Median(Side(side).Select(r => (double)r["deviceOpsPerSecond"]!).ToList(), 0);
        var with = Side("with").Select(r => r["webhook"]!.AsObject()).ToList();
        var without = MedianRate("without");
        var withRate = MedianRate("with");
        long Sum(string key) => with.Sum(w => (long)w[key]!);
        return new JsonObject
        {
            ["mode"] = "webhook", ["job"] = (string?)runs.FirstOrDefault()?["job"], ["devices"] = (int?)runs.FirstOrDefault()?["devices"],
            ["rounds"] = rounds,
            ["withoutMedianOpsPerSecond"] = without, ["withMedianOpsPerSecond"] = withRate,
            ["ratio"] = without > 0 ? Math.Round(withRate / without, 3) : null,
            ["allExact"] = runs.Count == 2 * rounds && runs.All(r => (bool?)r["exact"] == true),
            ["webhook"] = new JsonObject
            {
                ["uniqueDeviceOutcomes"] = with.Count == 0 ? 0 : with.Min(w => (long)w["uniqueDeviceOutcomes"]!),
                ["duplicates"] = Sum("duplicates"), ["batches"] = Sum("batches"), ["badSignatures"] = Sum("badSignatures"),
                ["outOfOrder"] = Sum("outOfOrder"),
                ["allDeliveredSeconds"] = with.Select(w => (double?)w["allDeliveredSeconds"]).Max(),
            },
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode)r.DeepClone()).ToArray()),
        };
    }
}
