namespace IotHubJobs.Dispatch;

/// <summary>
/// The statuses of a device job, as IoT Hub's devices.jobs spells them (docs/jobs.md): pending → running →
/// completed | failed | canceled.
/// </summary>
public static class DeviceJobStatus
{
    /// <summary>Targeted by the fan-out, not yet claimed.</summary>
    public const string Pending = "pending";
    /// <summary>Claimed: something is working on the device, until the claim's lease ends.</summary>
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    /// <summary>Its job was cancelled before anything claimed it.</summary>
    public const string Canceled = "canceled";

    public static bool IsFinished(string status) => status is Completed or Failed or Canceled;
}
