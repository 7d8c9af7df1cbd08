using IotHubJobs.IotHubErrors;
using IotHubJobs.Registry;
using JobsApi.Devices;
using JobsApi.Http;

namespace JobsApi.Twins;

/// <summary><c>GET /twins/{id}</c>: the full twin document.</summary>
public static class GetTwin
{
    public static async Task<IResult> Handle(string deviceId, DeviceRegistry registry, CancellationToken ct)
    {
        var device = await registry.FindAsync(deviceId, ct);
        return device is null ? IotHubErrorResponse.Result(DeviceRefusals.NotFound(deviceId)) : ETags.Ok(device.Twin);
    }
}
