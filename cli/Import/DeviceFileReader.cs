using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Import;

/// <summary>
/// Reads the devices of an import file (cli/README.md, "Import devices").
/// <list type="bullet">
/// <item>CSV with a header line: a column <c>id</c> (or <c>deviceId</c>); optional <c>status</c>; <c>tags</c> holding a JSON
/// object; and <c>tags.a.b</c> columns, each setting that tag to the cell's text (an empty cell sets nothing).</item>
/// <item>JSON lines (<c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c>): one object per line with <c>id</c> (or <c>deviceId</c>) and
/// optional <c>status</c> and <c>tags</c>.</item>
/// </list>
/// Blank lines are skipped. A device named twice is refused here, before anything is sent.
/// </summary>
public static class DeviceFileReader
{
    public static IReadOnlyList<DeviceRecord> Read(string path, string? format = null)
    {
        format ??= Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".jsonl" or ".ndjson" or ".json" => "jsonl",
            _ => throw new DeviceFileException($"cannot tell the format of '{Path.GetFileName(path)}': name it .csv or .jsonl, or give --format"),
        };
        var lines = File.ReadAllLines(path);
        var records = format == "csv" ? ReadCsv(lines) : ReadJsonLines(lines);
        var twice = records.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new DeviceFileException($"line {twice.Skip(1).First().Line}: device '{twice.Key}' is named twice (first on line {twice.First().Line})");
        return records;
    }

    public static List<DeviceRecord> ReadCsv(IReadOnlyList<string> lines)
    {
        var records = new List<DeviceRecord>();
        List<string>? header = null;
        for (var i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var fields = CsvLine.Split(lines[i].TrimStart('\uFEFF'), i + 1);
            if (header is null)
            {
                header = fields;
                if (!header.Contains("id") && !header.Contains("deviceId"))
                    throw new DeviceFileException($"line {i + 1}: the header has no 'id' (or 'deviceId') column");
                continue;
            }
            if (fields.Count != header.Count)
                throw new DeviceFileException($"line {i + 1}: {fields.Count} fields, the header has {header.Count}");
            string? id = null, status = null;
            JsonObject? tags = null;
            for (var c = 0; c < header.Count; c++)
            {
                var (name, value) = (header[c], fields[c]);
                if (name is "id" or "deviceId") id = value;
                else if (name == "status") status = value.Length == 0 ? null : value;
                else if (name == "tags" && value.Length > 0) tags = Merge(tags, ParseObject(value, i + 1, "tags"));
                else if (name.StartsWith("tags.", StringComparison.Ordinal) && value.Length > 0) tags = Set(tags ?? [], name["tags.".Length..], value, i + 1);
            }
            records.Add(Record(id, status, tags, i + 1));
        }
        return records;
    }

    public static List<DeviceRecord> ReadJsonLines(IReadOnlyList<string> lines)
    {
        var records = new List<DeviceRecord>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var item = ParseObject(lines[i], i + 1, "the line");
            var id = item["id"] ?? item["deviceId"];
            var tags = item["tags"];
            if (tags is not null and not JsonObject) throw new DeviceFileException($"line {i + 1}: tags must be a JSON object");
            records.Add(Record(id is JsonValue v && v.TryGetValue<string>(out var s) ? s : null,
                item["status"]?.ToString(), (JsonObject?)tags?.DeepClone(), i + 1));
        }
        return records;
    }

    private static DeviceRecord Record(string? id, string? status, JsonObject? tags, int line)
    {
        if (string.IsNullOrEmpty(id)) throw new DeviceFileException($"line {line}: no device id");
        if (status is not null and not "enabled" and not "disabled")
            throw new DeviceFileException($"line {line}: status must be enabled or disabled, not '{status}'");
        return new DeviceRecord(id, status, tags, line);
    }

    private static JsonObject ParseObject(string text, int line, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new DeviceFileException($"line {line}: {what} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new DeviceFileException($"line {line}: {what} is not valid JSON ({e.Message})");
        }
    }

    private static JsonObject Set(JsonObject tags, string path, string value, int line)
    {
        var segments = path.Split('.');
        if (segments.Any(s => s.Length == 0)) throw new DeviceFileException($"line {line}: the column 'tags.{path}' has an empty name");
        var node = tags;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child) node[segment] = child = [];
            node = child;
        }
        node[segments[^1]] = value;
        return tags;
    }

    private static JsonObject Merge(JsonObject? into, JsonObject from)
    {
        if (into is null) return from;
        foreach (var (key, value) in from.ToList()) into[key] = value?.DeepClone();
        return into;
    }
}
