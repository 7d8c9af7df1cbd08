namespace IotHubJobs.Contracts.Devices;

/// <summary>One direct-method call on one device. <c>JobId</c> is null for a call made outside a job.</summary>
public sealed record DeviceMethodCall(
    string DeviceId,
    string MethodName,
    string? PayloadJson,
    int ResponseTimeoutInSeconds,
    int ConnectTimeoutInSeconds,
    string? JobId);
