using System.Net;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary>
/// One call of the registry's bulk operation (<c>POST /devices</c>, at most 100 entries; docs/iothub-api.md, "Device
/// registry"). A 400 whose body lists per-device errors is an answer, not a failure: the other entries were applied.
/// </summary>
public static class BulkImport
{
    public const int MaxBatch = 100;

    public static async Task<BulkResult> SendAsync(HubClient hub, IReadOnlyList<JsonObject> entries, CancellationToken ct)
    {
        try
        {
            var answer = await hub.SendAsync(HttpMethod.Post, "/devices", new JsonArray(entries.Select(e => (JsonNode)e.DeepClone()).ToArray()), ct);
            return BulkResult.From(answer.Body);
        }
        catch (HubRequestException e) when (e.Error.Status == HttpStatusCode.BadRequest && DeviceErrorsIn(e) is { Count: > 0 } errors)
        {
            return new BulkResult(errors);
        }
    }

    private static IReadOnlyList<DeviceImportError>? DeviceErrorsIn(HubRequestException e)
    {
        try
        {
            return e.Body is null ? null : BulkResult.From(JsonNode.Parse(e.Body)).Errors;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

public sealed record BulkResult(IReadOnlyList<DeviceImportError> Errors)
{
    public static BulkResult From(JsonNode? body) =>
        new((body?["errors"] as JsonArray ?? []).OfType<JsonObject>().Select(DeviceImportError.From).ToList());
}

/// <summary>One refused entry: <c>{"deviceId","errorCode","errorStatus","operation"}</c>.</summary>
public sealed record DeviceImportError(string DeviceId, string ErrorCode, string Status)
{
    public static DeviceImportError From(JsonObject error) => new(
        error["deviceId"]?.ToString() ?? "", error["errorCode"]?.ToString() ?? "", error["errorStatus"]?.ToString() ?? "");

    public HubError AsError() => new(HttpStatusCode.BadRequest, ErrorCode, $"the hub refused device '{DeviceId}'");
}
