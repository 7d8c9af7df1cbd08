namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// Invoke the job's method on these devices; one message carries many devices (docs/architecture.md, decision 3
/// "Fan-out is a resumable cursor with its own outbox", and "A method job, step by step").
/// </summary>
public sealed record InvokeDeviceMethods(string JobId, CloudToDeviceMethod Method, IReadOnlyList<string> DeviceIds);
