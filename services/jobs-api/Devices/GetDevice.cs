using IotHubJobs.IotHubErrors;
using IotHubJobs.Registry;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary><c>GET /devices/{id}</c>: the device's identity.</summary>
public static class GetDevice
{
    public static async Task<IResult> Handle(string deviceId, DeviceRegistry registry, CancellationToken ct)
    {
        var device = await registry.FindAsync(deviceId, ct);
        return device is null ? IotHubErrorResponse.Result(DeviceRefusals.NotFound(deviceId)) : ETags.Ok(device.Identity);
    }
}
