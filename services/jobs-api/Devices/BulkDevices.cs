using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.DeviceTwins;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary>
/// <c>POST /devices</c>: 1 to 100 ExportImportDevice entries (docs/iothub-api.md, "Device registry"). Import modes are
/// matched case-insensitively because the Node SDK mixes cases (<c>create</c>, <c>Delete</c>).
/// </summary>
public static class BulkDevices
{
    public const int MaxEntries = 100;

    public static async Task<IResult> Handle(HttpRequest request, DeviceRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, ct);
        if (invalid is not null) return IotHubErrorResponse.Result(invalid);
        if (body is not JsonArray entries || entries.Count is 0 or > MaxEntries)
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, $"The body must be an array of 1 to {MaxEntries} devices.");

        var parsed = new List<(string Id, string Mode, JsonObject Entry)>();
        foreach (var node in entries)
        {
            if (node is not JsonObject entry || entry["id"] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String)
                return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "Every entry needs an id (a string).");
            var id = idValue.GetValue<string>();
            if (!DeviceIdentity.IsValidId(id)) return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, DeviceIdentity.InvalidIdMessage(id));
            if (TagsProblem(entry["tags"]) is { } problem)
                return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, $"Device '{id}': {problem}");
            parsed.Add((id, ((string?)entry["importMode"] ?? "createOrUpdate").ToLowerInvariant(), entry));
        }
        if (parsed.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            return IotHubErrorResponse.Result(IotHubError.DeviceDefinedMultipleTimes, $"Device '{repeated.Key}' is defined more than once.");

        var now = clock.GetUtcNow();
        var errors = new JsonArray();
        var creates = parsed.Where(p => p.Mode is "create" or "createorupdate").ToList();
        if (creates.Count > 0)
        {
            var devices = creates.Select(p =>
            {
                var identity = DeviceIdentity.NewIdentity(p.Id, p.Entry, now);
                var twin = DeviceIdentity.NewTwin(identity, now);
                if (p.Entry["tags"] is JsonObject tags) twin["tags"] = tags.DeepClone();
                return new DeviceRegistry.Device(p.Id, identity, twin);
            }).ToList();
            foreach (var id in await registry.CreateAsync(devices, now, ct))
                if (creates.First(c => c.Id == id).Mode == "create")
                    errors.Add(Error(id, "DeviceAlreadyExists", "create"));
        }
        var deletes = new List<string>();
        foreach (var p in parsed.Where(p => p.Mode is "delete" or "deleteifmatchetag"))
        {
            if (p.Mode == "deleteifmatchetag" && await EtagMismatchAsync(registry, p, ct) is { } refusal)
                errors.Add(refusal);
            else
                deletes.Add(p.Id);
        }
        if (deletes.Count > 0)
        {
            var deleted = await registry.DeleteAsync(deletes, ct);
            foreach (var id in deletes.Where(d => !deleted.Contains(d))) errors.Add(Error(id, "DeviceNotFound", "delete"));
        }
        foreach (var p in parsed.Where(p => p.Mode is not ("create" or "createorupdate" or "delete" or "deleteifmatchetag")))
        {
            var current = await registry.FindAsync(p.Id, ct);
            if (current is null) { errors.Add(Error(p.Id, "DeviceNotFound", p.Mode)); continue; }
            // updateIfMatchETag checks the identity etag, updateTwinIfMatchETag the twin's.
            var expected = p.Mode switch { "updateifmatchetag" => (string?)current.Identity["etag"], "updatetwinifmatchetag" => (string?)current.Twin["etag"], _ => null };
            if (expected is not null && !ETags.Matches(ETags.Unquote((string?)p.Entry["eTag"] ?? ""), expected))
            {
                errors.Add(Error(p.Id, "PreconditionFailed", p.Mode));
                continue;
            }
            var updated = PutDevice.Update(current, p.Entry, now);
            if (p.Entry["tags"] is JsonObject tags) updated.Twin["tags"] = tags.DeepClone();
            await registry.ReplaceAsync(updated, ct);
        }

        var result = new JsonObject { ["isSuccessful"] = errors.Count == 0, ["errors"] = errors, ["warnings"] = new JsonArray() };
        return Results.Text(IotHubJson.Text(result), IotHubJson.ContentType, statusCode: errors.Count == 0 ? 200 : 400);
    }

    /// <summary>Imported tags obey the twin rules a PATCH of the twin would (docs/iothub-api.md, "Device twins").</summary>
    private static string? TagsProblem(JsonNode? tags) => tags switch
    {
        null => null,
        JsonObject section => TwinRules.Validate(section, "tags") is { } error ? error
            : SectionSize.Of(section) is var size && size > TwinLimits.MaxTagsBytes ? $"Tags are {size} bytes; the limit is {TwinLimits.MaxTagsBytes}."
            : null,
        _ => "'tags' must be a JSON object.",
    };

    private static async Task<JsonObject?> EtagMismatchAsync(DeviceRegistry registry, (string Id, string Mode, JsonObject Entry) p, CancellationToken ct)
    {
        var current = await registry.FindAsync(p.Id, ct);
        if (current is null) return Error(p.Id, "DeviceNotFound", p.Mode);
        var expected = (string?)current.Identity["etag"];
        return ETags.Matches(ETags.Unquote((string?)p.Entry["eTag"] ?? ""), expected) ? null : Error(p.Id, "PreconditionFailed", p.Mode);
    }

    private static JsonObject Error(string deviceId, string code, string operation) => new()
    {
        ["deviceId"] = deviceId, ["errorCode"] = code, ["errorStatus"] = $"{code}: {deviceId}", ["operation"] = operation,
    };
}
