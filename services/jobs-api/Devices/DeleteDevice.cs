using IotHubJobs.IotHubErrors;
using IotHubJobs.Registry;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary><c>DELETE /devices/{id}</c>: removes the device and its twin; <c>If-Match</c> may name the identity etag.</summary>
public static class DeleteDevice
{
    public static async Task<IResult> Handle(string deviceId, HttpRequest request, DeviceRegistry registry, CancellationToken ct)
    {
        var device = await registry.FindAsync(deviceId, ct);
        if (device is null) return IotHubErrorResponse.Result(DeviceRefusals.NotFound(deviceId));
        if (ETags.IfMatch(request) is { } ifMatch && !ETags.Matches(ifMatch, (string?)device.Identity["etag"]))
            return IotHubErrorResponse.Result(DeviceRefusals.EtagMismatch);
        await registry.DeleteAsync([deviceId], ct);
        return Results.NoContent();
    }
}
