using System.Text.Json;
using System.Text.Json.Nodes;
using DeviceGateway.Connections;
using DeviceGateway.Protocol;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Registry;
using Npgsql;

namespace DeviceGateway.Twins;

/// <summary>
/// A device's own twin requests (docs/devices.md, "Twins"): GET answers <c>{"desired":{…},"reported":{…}}</c> with
/// each section's <c>$version</c> and <c>$metadata</c>; a reported patch is merged under the twin rules and limits
/// (libs/DeviceTwins) in batches (ReportedPatchBatches) and answered 204 with the new reported <c>$version</c>, or 400
/// with a JSON error body. Answers go to <c>$iothub/twin/res/{status}/?$rid={rid}</c>.
/// </summary>
public sealed class TwinRequests(DeviceRegistry registry, ReportedPatchBatches patches, ConnectedDevices devices, DeviceSender sender,
    ILogger<TwinRequests> logger)
{
    /// <summary>Bodies beyond this cannot be a valid patch of a section limited to 32 KB; they are refused unread.</summary>
    private const int MaxReportedBodyBytes = 2 * TwinLimits.MaxReportedBytes;

    /// <summary>
    /// Twin reads at once: a reconnecting fleet asks for thousands of twins within a second; beyond this many they wait
    /// here rather than for a pooled connection, which would time out and answer them 500.
    /// </summary>
    private readonly SemaphoreSlim _reads = new(32);

    public async Task GetAsync(string deviceId, string rid, CancellationToken ct)
    {
        var session = devices.Session(deviceId);
        await session.DesiredOrder.WaitAsync(ct);
        try
        {
            var device = await FindAsync(deviceId, ct);
            if (device is null)
            {
                await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(404, rid), TwinError.Body(404001, "The device is not registered."));
                return;
            }
            var desired = TwinEditor.Section(device.Twin, TwinEditor.Desired);
            var reported = TwinEditor.Section(device.Twin, TwinEditor.Reported);
            var body = new JsonObject { ["desired"] = desired.DeepClone(), ["reported"] = reported.DeepClone() };
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(200, rid), body.ToJsonString());
            session.Gave((long?)desired[TwinKeys.Version] ?? 0, SectionSize.Values(desired));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Twin GET of {DeviceId} failed", deviceId);
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(500, rid), TwinError.Body(500001, "The twin could not be read; try again."));
        }
        finally
        {
            session.DesiredOrder.Release();
        }
    }

    public async Task PatchReportedAsync(string deviceId, string rid, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        if (body.Length > MaxReportedBodyBytes)
        {
            GatewayMetrics.Refusal("reported_too_large");
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(400, rid),
                TwinError.Body(400004, $"The reported patch is {body.Length} bytes; reported properties are limited to {TwinLimits.MaxReportedBytes}."));
            return;
        }
        if (Parse(body) is not { } patch)
        {
            GatewayMetrics.Refusal("reported_not_json");
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(400, rid), TwinError.Body(400004, "The reported properties must be a JSON object."));
            return;
        }
        var outcome = await patches.ApplyAsync(deviceId, patch, ct);
        if (outcome.Status == 204)
        {
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(204, rid, outcome.Version), []);
            return;
        }
        if (outcome.Status is 400 or 404) GatewayMetrics.Refusal(outcome.Status == 400 ? "reported_invalid" : "reported_unknown_device");
        var code = outcome.Status switch { 400 => 400004, 404 => 404001, _ => 500001 };
        await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(outcome.Status, rid), TwinError.Body(code, outcome.Error!));
    }

    private async Task<DeviceRegistry.Device?> FindAsync(string deviceId, CancellationToken ct)
    {
        await _reads.WaitAsync(ct);
        try
        {
            return await registry.FindAsync(deviceId, ct);
        }
        finally
        {
            _reads.Release();
        }
    }

    private static JsonObject? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
