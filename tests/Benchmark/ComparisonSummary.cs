using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The last line of ./bench.sh --compare: the median rate of each side over its runs and their ratio (tree / ref),
/// and the same for the instance's CPU per device operation (cpuPerOpRatio below 1: the tree's operations cost less),
/// from the runs' own JSON lines, each labelled "side": "ref" or "tree". Both sides ran alternately on the same
/// machine in the same stretch of time, so the ratio holds where absolute rates from different days do not. Also each
/// side's medians of where the time goes (perDeviceOp) and of the physical floor measured after each run (floor).
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
            ["perDeviceOp"] = new JsonObject { ["ref"] = MedianFigures(Side("ref"), "perDeviceOp"), ["tree"] = MedianFigures(Side("tree"), "perDeviceOp") },
            ["floor"] = new JsonObject { ["ref"] = MedianFigures(Side("ref"), "floor"), ["tree"] = MedianFigures(Side("tree"), "floor") },
            ["allExact"] = runs.Count == 2 * options.Rounds && runs.All(r => (bool?)r["exact"] == true),
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode)r.DeepClone()).ToArray()),
        };
    }

    /// <summary>
    /// The median over a side's runs of every number in their object <paramref name="name"/> ("perDeviceOp",
    /// "floor"), nested objects (the CPU per process) likewise; null when the runs carry none (an older tool's).
    /// </summary>
    private static JsonObject? MedianFigures(IEnumerable<JsonObject> runs, string name)
    {
        var objects = runs.Select(r => r[name] as JsonObject).OfType<JsonObject>().ToList();
        return objects.Count == 0 ? null : MedianOf(objects);
    }

    private static JsonObject MedianOf(IReadOnlyList<JsonObject> objects)
    {
        var median = new JsonObject();
        foreach (var key in objects.SelectMany(o => o.Select(p => p.Key)).Distinct())
        {
            var values = objects.Select(o => o[key]).Where(v => v is not null).ToList();
            if (values.Count == 0)
                median[key] = null;   // e.g. messages where no service answered on /metrics
            else if (values.All(v => v is JsonObject))
                median[key] = MedianOf(values.Cast<JsonObject>().ToList());
            else if (values.All(v => v is JsonValue value && value.TryGetValue<double>(out _)))
                median[key] = Median(values.Select(v => v!.GetValue<double>()).ToList(), 4);
        }
        return median;
    }

    internal static double Median(IReadOnlyList<double> values, int decimals)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return Math.Round(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, decimals);
    }
}
