using IotHubJobs.Contracts.Jobs;

namespace IotHubJobs.Contracts.Devices;

/// <summary>
/// Deliver a job's direct method to these devices, sent to the holder of their connections. The holder claims each
/// device's pending device job when it starts (so time spent queued here counts against no lease, and a device
/// canceled or timed out meanwhile is skipped), runs each call once (its record of the call id decides), and
/// publishes every outcome as the job's <see cref="DeviceJobsCompleted"/> itself: no answer depends on the sender
/// still being alive.
/// </summary>
public sealed record DeliverJobMethod(Guid CallId, string JobId, CloudToDeviceMethod Method, IReadOnlyList<string> DeviceIds);
