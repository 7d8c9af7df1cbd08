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
/// (libs/DeviceTwins) through the registry's twin store and answered 204 with the new reported <c>$version</c>, or 400
/// with a JSON error body. Answers go to <c>$iothub/twin/res/{status}/?$rid={rid}</c>.
/// </summary>
public sealed class TwinRequests(DeviceRegistry registry, TwinStore store, ConnectedDevices devices, DeviceSender sender, TimeProvider clock,
    ILogger<TwinRequests> logger)
{
    /// <summary>Bodies beyond this cannot be a valid patch of a section limited to 32 KB; they are refused unread.</summary>
    private const int MaxReportedBodyBytes = 2 * TwinLimits.MaxReportedBytes;

    public async Task GetAsync(string deviceId, string rid, CancellationToken ct)
    {
        var session = devices.Session(deviceId);
        await session.DesiredOrder.WaitAsync(ct);
        try
        {
            var device = await registry.FindAsync(deviceId, ct);
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
        try
        {
            var (status, error, version) = await store.UpdateAsync([deviceId], twins =>
            {
                if (!twins.TryGet(deviceId, out var twin)) return (404, "The device is not registered.", 0L);
                var edit = TwinEditor.Report(twin, patch, clock.GetUtcNow());
                if (edit.Error is not null) return (400, edit.Error, 0L);
                if (edit.Changed) twins.Save(deviceId, edit.Twin);
                return (204, (string?)null, (long?)TwinEditor.Section(edit.Twin, TwinEditor.Reported)[TwinKeys.Version] ?? 0);
            }, ct);
            if (status == 204)
                await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(204, rid, version), []);
            else
            {
                GatewayMetrics.Refusal(status == 400 ? "reported_invalid" : "reported_unknown_device");
                await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(status, rid), TwinError.Body(status == 400 ? 400004 : 404001, error!));
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Reported patch of {DeviceId} failed", deviceId);
            await sender.SendAsync(deviceId, DeviceTopic.TwinResponse(500, rid), TwinError.Body(500001, "The reported properties could not be saved; try again."));
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
