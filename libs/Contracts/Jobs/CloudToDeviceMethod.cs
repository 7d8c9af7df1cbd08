namespace IotHubJobs.Contracts.Jobs;

/// <summary>The method a job invokes on every device; <c>PayloadJson</c> is the raw JSON payload (or null).</summary>
public sealed record CloudToDeviceMethod(string MethodName, string? PayloadJson, int ResponseTimeoutInSeconds, int ConnectTimeoutInSeconds);
