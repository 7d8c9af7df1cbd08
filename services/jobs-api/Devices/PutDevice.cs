using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using System.Text.Json.Nodes;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary><c>PUT /devices/{id}</c>: creates a device, or updates it when the request carries <c>If-Match</c>.</summary>
public static class PutDevice
{
    public static async Task<IResult> Handle(string deviceId, HttpRequest request, DeviceRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        if (!DeviceIdentity.IsValidId(deviceId)) return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, DeviceIdentity.InvalidIdMessage(deviceId));
        var (body, invalid) = await RequestBody.ReadAsync(request, ct);
        if (invalid is not null) return IotHubErrorResponse.Result(invalid);
        if (body is not JsonObject device) return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "The device must be a JSON object.");
        if ((string?)device["deviceId"] is { } bodyId && bodyId != deviceId)
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "deviceId in the body does not match the deviceId in the path.");
        var now = clock.GetUtcNow();
        var ifMatch = ETags.IfMatch(request);

        if (ifMatch is null)
        {
            var identity = DeviceIdentity.NewIdentity(deviceId, device, now);
            var existing = await registry.CreateAsync([new DeviceRegistry.Device(deviceId, identity, DeviceIdentity.NewTwin(identity, now))], now, ct);
            if (existing.Count > 0) return IotHubErrorResponse.Result(IotHubError.DeviceAlreadyExists, $"A device with ID '{deviceId}' is already registered.");
            return ETags.Ok(identity);
        }

        var current = await registry.FindAsync(deviceId, ct);
        if (current is null) return IotHubErrorResponse.Result(DeviceRefusals.NotFound(deviceId));
        if (!ETags.Matches(ifMatch, (string?)current.Identity["etag"]))
            return IotHubErrorResponse.Result(DeviceRefusals.EtagMismatch);
        var updated = Update(current, device, now);
        await registry.ReplaceAsync(updated, ct);
        return ETags.Ok(updated.Identity);
    }

    /// <summary>An update may change status, status reason, keys and capabilities; everything else stays.</summary>
    public static DeviceRegistry.Device Update(DeviceRegistry.Device current, JsonObject request, DateTimeOffset now)
    {
        var identity = current.Identity.DeepClone().AsObject();
        var twin = current.Twin.DeepClone().AsObject();
        if ((string?)request["status"] is "enabled" or "disabled" && (string?)request["status"] != (string?)identity["status"])
        {
            identity["status"] = (string?)request["status"];
            identity["statusUpdatedTime"] = IotHubJson.Date(now);
            twin["status"] = (string?)request["status"];
            twin["statusUpdateTime"] = IotHubJson.Date(now);
        }
        if (request.ContainsKey("statusReason")) identity["statusReason"] = twin["statusReason"] = (string?)request["statusReason"];
        if (request["authentication"]?["symmetricKey"] is JsonObject keys)
        {
            var fresh = DeviceIdentity.NewIdentity(current.DeviceId, new JsonObject { ["authentication"] = new JsonObject { ["symmetricKey"] = keys.DeepClone() } }, now);
            identity["authentication"] = fresh["authentication"]!.DeepClone();
        }
        identity["etag"] = DeviceIdentity.NewEtag();
        twin["deviceEtag"] = identity["etag"]!.GetValue<string>();
        return current with { Identity = identity, Twin = twin };
    }
}
