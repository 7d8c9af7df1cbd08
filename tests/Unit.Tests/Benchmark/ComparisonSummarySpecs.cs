using System.Text.Json.Nodes;
using Benchmark;

namespace Unit.Tests.Benchmark;

/// <summary>The last line of ./bench.sh --compare: medians per side, their ratio, and whether every run was exact.</summary>
public sealed class ComparisonSummarySpecs : IDisposable
{
    private readonly string _runsFile = Path.GetTempFileName();

    private JsonObject Summary(int rounds, params (string Side, double Rate, bool Exact)[] runs)
    {
        File.WriteAllLines(_runsFile, runs.Select(r => new JsonObject
        {
            ["side"] = r.Side, ["job"] = "method", ["devices"] = 2000, ["executors"] = 2,
            ["deviceOpsPerSecond"] = r.Rate, ["exact"] = r.Exact, ["instanceCpuMsPerDeviceOp"] = 1000 / r.Rate,
        }.ToJsonString()));
        return ComparisonSummary.From(new ComparisonSummary.Options(_runsFile, "main", "aaa", "bbb+dirty", rounds));
    }

    [Fact]
    public void Ratio_is_the_tree_median_over_the_ref_median()
    {
        var summary = Summary(2, ("ref", 100, true), ("tree", 250, true), ("ref", 300, true), ("tree", 350, true));

        Assert.Equal(200, (double)summary["refMedianOpsPerSecond"]!);
        Assert.Equal(300, (double)summary["treeMedianOpsPerSecond"]!);
        Assert.Equal(1.5, (double)summary["ratio"]!);
        Assert.Equal(6.667, (double)summary["refMedianCpuMsPerDeviceOp"]!);   // (10 + 3.333) / 2
        Assert.Equal(3.429, (double)summary["treeMedianCpuMsPerDeviceOp"]!);  // (4 + 2.857) / 2
        Assert.Equal(0.514, (double)summary["cpuPerOpRatio"]!);
        Assert.True((bool)summary["allExact"]!);
        Assert.Equal(4, summary["runs"]!.AsArray().Count);
        Assert.Equal("bbb+dirty", (string)summary["treeCommit"]!);
        Assert.Contains("\"treeCommit\":\"bbb+dirty\"", summary.ToJsonString(JsonLine.Options));
    }

    [Fact]
    public void Median_of_an_odd_number_of_runs_is_the_middle_one()
    {
        var summary = Summary(3, ("ref", 90, true), ("tree", 10, true), ("ref", 100, true), ("tree", 20, true),
            ("ref", 500, true), ("tree", 30, true));

        Assert.Equal(100, (double)summary["refMedianOpsPerSecond"]!);
        Assert.Equal(20, (double)summary["treeMedianOpsPerSecond"]!);
        Assert.Equal(0.2, (double)summary["ratio"]!);
    }

    [Fact]
    public void One_inexact_or_missing_run_makes_the_comparison_inexact()
    {
        Assert.False((bool)Summary(2, ("ref", 100, true), ("tree", 100, false), ("ref", 100, true), ("tree", 100, true))["allExact"]!);
        Assert.False((bool)Summary(2, ("ref", 100, true), ("tree", 100, true), ("ref", 100, true))["allExact"]!);
    }

    public void Dispose() => File.Delete(_runsFile);
}
