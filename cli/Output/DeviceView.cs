using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IotHubJobs.Cli.Output;

/// <summary>Devices, twins and query rows as tables.</summary>
public static class DeviceView
{
    public static IRenderable Identity(JsonNode device)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var name in new[] { "deviceId", "status", "connectionState", "lastActivityTime", "etag" })
            grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(name.EndsWith("Time") ? Times.Show(device[name]) : Value(device[name])));
        return grid;
    }

    public static IRenderable Twin(JsonNode twin)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, JsonNode? value) => grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(Value(value)));
        Row("deviceId", twin["deviceId"]);
        Row("status", twin["status"]);
        Row("connectionState", twin["connectionState"]);
        Row("version", twin["version"]);
        Row("tags", twin["tags"]);
        Row("desired", WithoutMetadata(twin["properties"]?["desired"]));
        Row("reported", WithoutMetadata(twin["properties"]?["reported"]));
        return grid;
    }

    /// <summary>
    /// Query rows: twins as id, status, connection and tags; anything else (projections, aggregates, device jobs) with one
    /// column per top-level field of the rows.
    /// </summary>
    public static IRenderable Rows(IReadOnlyList<JsonNode> rows)
    {
        var columns = rows.Count > 0 && rows[0]["etag"] is not null && rows[0]["deviceId"] is not null
            ? ["deviceId", "status", "connectionState", "tags"]
            : rows.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)).Distinct().ToList();
        if (columns.Count == 0) columns = ["value"];
        var table = new Table();
        foreach (var column in columns) table.AddColumn(column);
        foreach (var row in rows)
            table.AddRow(columns.Select(c => (IRenderable)new Text(row is JsonObject ? Value(row[c]) : Value(row))).ToArray());
        return table;
    }

    public static string Value(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static JsonNode? WithoutMetadata(JsonNode? section)
    {
        if (section is not JsonObject o) return section;
        var copy = (JsonObject)o.DeepClone();
        copy.Remove("$metadata");
        copy.Remove("$version");
        return copy;
    }
}
