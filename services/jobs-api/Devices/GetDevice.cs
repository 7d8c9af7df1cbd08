using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary><c>GET /devices/{id}</c> and <c>DELETE /devices/{id}</c>.</summary>
public static class GetDevice
{
    public static async Task<IResult> Handle(string deviceId, DeviceRegistry registry, CancellationToken ct)
    {
        var device = await registry.FindAsync(deviceId, ct);
        return device is null ? NotFound(deviceId) : ETags.Ok(device.Identity);
    }

    public static async Task<IResult> Delete(string deviceId, HttpRequest request, DeviceRegistry registry, CancellationToken ct)
    {
        var device = await registry.FindAsync(deviceId, ct);
        if (device is null) return NotFound(deviceId);
        if (ETags.IfMatch(request) is { } ifMatch && !ETags.Matches(ifMatch, (string?)device.Identity["etag"]))
            return IotHubErrorResponse.Result(IotHubError.PreconditionFailed, "The etag in the request does not match the device's etag.");
        await registry.DeleteAsync([deviceId], ct);
        return Results.NoContent();
    }

    public static IResult NotFound(string deviceId) =>
        IotHubErrorResponse.Result(IotHubError.DeviceNotFound, DeviceOperationErrors.DeviceNotFound(deviceId).Description);
}
