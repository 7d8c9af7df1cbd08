using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The last line of ./bench.sh --compare: the median rate of each side over its runs and their ratio (tree / ref),
/// and the same for the instance's CPU per device operation (cpuPerOpRatio below 1: the tree's operations cost less),
/// from the runs' own JSON lines, each labelled "side": "ref" or "tree". Both sides ran alternately on the same
/// machine in the same stretch of time, so the ratio holds where absolute rates from different days do not.
/// </summary>
public static class ComparisonSummary
{
    public sealed record Options(string RunsFile, string Compare, string RefCommit, string TreeCommit, int Rounds)
    {
        public static Options Parse(string[] args)
        {
            string Value(string name) =>
                args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required");
            return new Options(Value("--summarize-comparison"), Value("--compare"), Value("--ref-commit"),
                Value("--tree-commit"), int.Parse(Value("--rounds")));
        }
    }

    public static JsonObject From(Options options)
    {
        var runs = File.ReadLines(options.RunsFile).Where(l => l.Trim().Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        IEnumerable<JsonObject> Side(string side) => runs.Where(r => (string?)r["side"] == side);
        double MedianRate(string side) => Median(Side(side).Select(r => (double)r["deviceOpsPerSecond"]!).ToList(), 0);
        double? MedianCpu(string side)
        {
            // runs of an older Benchmark tool carry no instanceCpuMsPerDeviceOp
            var costs = Side(side).Select(r => (double?)r["instanceCpuMsPerDeviceOp"]).ToList();
            return costs.Count > 0 && costs.All(c => c.HasValue) ? Median(costs.Select(c => c!.Value).ToList(), 3) : null;
        }
        var refMedian = MedianRate("ref");
        var treeMedian = MedianRate("tree");
        var refCpu = MedianCpu("ref");
        var treeCpu = MedianCpu("tree");
        var first = runs.FirstOrDefault();
        return new JsonObject
        {
            ["compare"] = options.Compare, ["refCommit"] = options.RefCommit, ["treeCommit"] = options.TreeCommit,
            ["job"] = (string?)first?["job"], ["devices"] = (int?)first?["devices"], ["executors"] = (int?)first?["executors"],
            ["rounds"] = options.Rounds,
            ["refMedianOpsPerSecond"] = refMedian, ["treeMedianOpsPerSecond"] = treeMedian,
            ["ratio"] = refMedian > 0 ? Math.Round(treeMedian / refMedian, 3) : null,
            ["refMedianCpuMsPerDeviceOp"] = refCpu, ["treeMedianCpuMsPerDeviceOp"] = treeCpu,
            ["cpuPerOpRatio"] = refCpu > 0 && treeCpu is not null ? Math.Round(treeCpu.Value / refCpu.Value, 3) : null,
            ["allExact"] = runs.Count == 2 * options.Rounds && runs.All(r => (bool?)r["exact"] == true),
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode)r.DeepClone()).ToArray()),
        };
    }

    private static double Median(IReadOnlyList<double> values, int decimals)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return Math.Round(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, decimals);
    }
}
