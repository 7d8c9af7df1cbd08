namespace JobsApi.Methods.DeviceCalls;

/// <summary>
/// The name of this process's reply queue: stable per instance (e.g. <c>device-call-replies-executor-1</c>), so a
/// restarted instance drains the replies its predecessor left instead of leaving a queue behind.
/// </summary>
public sealed record DeviceCallReplyQueue(string Name);
