using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IotHubJobs.Cli.Output;

/// <summary>Jobs as tables: one job as a property sheet with its rollout and statistics, many as rows.</summary>
public static class JobView
{
    public static IRenderable Sheet(JsonNode job)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string? value)
        {
            if (value is not null) grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        }
        Row("jobId", Text(job["jobId"]));
        Row("type", Text(job["type"]));
        Row("status", Text(job["status"]));
        Row("queryCondition", Text(job["queryCondition"]));
        Row("createdTime", job["createdTime"] is null ? null : Times.Show(job["createdTime"]));
        Row("startTime", job["startTime"] is null ? null : Times.Show(job["startTime"]));
        Row("endTime", job["endTime"] is null ? null : Times.Show(job["endTime"]));
        Row("maxExecutionTimeInSeconds", Text(job["maxExecutionTimeInSeconds"]));
        if (job["cloudToDeviceMethod"] is JsonObject method)
        {
            Row("methodName", Text(method["methodName"]));
            Row("payload", method["payload"]?.ToJsonString() ?? "null");
        }
        if (job["updateTwin"] is JsonObject twin) Row("updateTwin", Compact(twin));
        Row("failureReason", Text(job["failureReason"]));
        Row("statusMessage", Text(job["statusMessage"]));
        foreach (var (name, value) in RolloutView.Rows(job)) Row(name, value);
        if (job["deviceJobStatistics"] is JsonObject stats)
        {
            Row("devices", Text(stats["deviceCount"]));
            Row("succeeded", Text(stats["succeededCount"]));
            Row("failed", Text(stats["failedCount"]));
            Row("running", Text(stats["runningCount"]));
            Row("pending", Text(stats["pendingCount"]));
        }
        return grid;
    }

    public static IRenderable List(IEnumerable<JsonNode> jobs)
    {
        var table = new Table().AddColumns("jobId", "type", "status", "created", "start", "end", "devices", "succeeded", "failed");
        foreach (var job in jobs)
        {
            var stats = job["deviceJobStatistics"];
            table.AddRow(Cells(Text(job["jobId"]), Text(job["type"]), Text(job["status"]), Times.Show(job["createdTime"]),
                Times.Show(job["startTime"]), Times.Show(job["endTime"]), Text(stats?["deviceCount"]) ?? "-",
                Text(stats?["succeededCount"]) ?? "-", Text(stats?["failedCount"]) ?? "-"));
        }
        return table;
    }

    public static IRenderable[] Cells(params string?[] values) => values.Select(v => (IRenderable)new Text(v ?? "")).ToArray();

    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static string Compact(JsonObject twin)
    {
        var copy = (JsonObject)twin.DeepClone();
        copy.Remove("deviceId");
        copy.Remove("etag");
        return copy.ToJsonString();
    }
}
