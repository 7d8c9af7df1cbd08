using IotHubJobs.IotHubErrors;

namespace JobsApi.Devices;

/// <summary>The answers every operation on a device gives alike: the registry, twins and direct methods.</summary>
public static class DeviceRefusals
{
    public static IResult NotFound(string deviceId) =>
        IotHubErrorResponse.Result(IotHubError.DeviceNotFound, DeviceOperationErrors.DeviceNotFound(deviceId).Description);

    /// <summary><c>If-Match</c> names another etag than the device identity's.</summary>
    public static IResult EtagMismatch() =>
        IotHubErrorResponse.Result(IotHubError.PreconditionFailed, "The etag in the request does not match the device's etag.");
}
