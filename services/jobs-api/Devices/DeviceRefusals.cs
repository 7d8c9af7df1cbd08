using IotHubJobs.IotHubErrors;

namespace JobsApi.Devices;

/// <summary>The refusals every operation on a device gives alike: the registry, twins and direct methods.</summary>
public static class DeviceRefusals
{
    public static IotHubRefusal NotFound(string deviceId) =>
        new(IotHubError.DeviceNotFound, DeviceOperationErrors.DeviceNotFound(deviceId).Description);

    /// <summary><c>If-Match</c> names another etag than the device identity's.</summary>
    public static readonly IotHubRefusal EtagMismatch =
        new(IotHubError.PreconditionFailed, "The etag in the request does not match the device's etag.");
}
