using System.Text.Json.Nodes;
using IotHubJobs.Cli.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IotHubJobs.Cli.Output;

/// <summary>A dry run's answer (<c>iotjobs job preview</c>) for people: the matching devices, a sample, the waves, the estimate.</summary>
public static class PreviewView
{
    public static IRenderable Plan(JsonNode plan)
    {
        var bold = new Style(decoration: Decoration.Bold);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        var samples = (plan["sampleDeviceIds"] as JsonArray ?? new JsonArray()).Select(JobView.Text).ToList();
        grid.AddRow(new Text("jobId", bold), new Text(JobView.Text(plan["jobId"]) ?? ""));
        grid.AddRow(new Text("devices", bold), new Text($"{JobView.Text(plan["deviceCount"])} match the query now"));
        grid.AddRow(new Text("sample", bold), new Text(samples.Count == 0 ? "-" : string.Join(", ", samples)));
        grid.AddRow(new Text("estimate", bold), new Text(Estimate(plan)));

        var waves = new Table().AddColumns("wave", "devices", "cumulative", "bake", "min success", "approval");
        foreach (var wave in plan["waves"] as JsonArray ?? new JsonArray())
        {
            if (wave is null) continue;
            waves.AddRow(JobView.Cells(JobView.Text(wave["wave"]), JobView.Text(wave["deviceCount"]), JobView.Text(wave["cumulativeDeviceCount"]),
                $"{JobView.Text(wave["bakeTimeInSeconds"]) ?? "0"} s", wave["minSuccessPercentage"] is { } min ? $"{JobView.Text(min)}%" : "-",
                (bool?)wave["requiresApproval"] == true ? "required" : "-"));
        }
        return new Rows(grid, waves, new Text("Nothing was created: this was a dry run.", new Style(Color.Grey)));
    }

    private static string Estimate(JsonNode plan)
    {
        var assumes = JobView.Text(plan["estimateAssumes"]);
        if (plan["estimatedDurationInSeconds"] is not { } seconds) return assumes ?? "-";
        var span = TimeSpan.FromSeconds((double)seconds);
        return $"{ProgressLine.Duration(span)} ({assumes})";
    }
}
