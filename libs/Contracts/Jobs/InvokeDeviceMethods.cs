namespace IotHubJobs.Contracts.Jobs;

/// <summary>Invoke the job's method on these devices; one message carries many devices (design decision 4).</summary>
public sealed record InvokeDeviceMethods(string JobId, CloudToDeviceMethod Method, IReadOnlyList<string> DeviceIds);
