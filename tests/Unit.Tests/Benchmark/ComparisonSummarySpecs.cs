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

    [Fact]
    public void Where_the_time_goes_and_the_floor_are_medians_per_side_and_absent_for_runs_without_them()
    {
        JsonObject Run(string side, double statements, double postgresCpuMs, double floorRate) => new()
        {
            ["side"] = side, ["job"] = "method", ["devices"] = 2000, ["executors"] = 2, ["deviceOpsPerSecond"] = 100.0, ["exact"] = true,
            ["perDeviceOp"] = new JsonObject { ["cpuMs"] = new JsonObject { ["postgresql"] = postgresCpuMs }, ["sqlStatements"] = statements, ["messages"] = null },
            ["floor"] = new JsonObject { ["pgRowsPerSecond"] = floorRate },
        };
        File.WriteAllLines(_runsFile, new[]
        {
            Run("ref", 0.05, 0.2, 6000), Run("tree", 0.01, 0.1, 7000), Run("tree", 0.03, 0.3, 5000), Run("ref", 0.07, 0.4, 8000),
        }.Select(r => r.ToJsonString()));

        var summary = ComparisonSummary.From(new ComparisonSummary.Options(_runsFile, "main", "aaa", "bbb", 2));

        Assert.Equal(0.06, (double)summary["perDeviceOp"]!["ref"]!["sqlStatements"]!);
        Assert.Equal(0.02, (double)summary["perDeviceOp"]!["tree"]!["sqlStatements"]!);
        Assert.Equal(0.3, (double)summary["perDeviceOp"]!["ref"]!["cpuMs"]!["postgresql"]!);
        Assert.Null(summary["perDeviceOp"]!["tree"]!["messages"]);
        Assert.Equal(7000, (double)summary["floor"]!["ref"]!["pgRowsPerSecond"]!);
        Assert.Equal(6000, (double)summary["floor"]!["tree"]!["pgRowsPerSecond"]!);
        Assert.Null(Summary(1, ("ref", 100, true), ("tree", 100, true))["perDeviceOp"]!["ref"]);
    }

    public void Dispose() => File.Delete(_runsFile);
}
