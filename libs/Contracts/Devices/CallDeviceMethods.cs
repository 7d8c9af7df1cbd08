namespace IotHubJobs.Contracts.Devices;

/// <summary>
/// Ask the device connection layer to call methods on many devices at once, the way a protocol gateway
/// multiplexes device links; each call keeps its own timeouts and gets its own outcome. The answer
/// (<see cref="DeviceMethodsCalled"/> with the same <c>CallId</c>) goes to the caller's durable <c>ReplyQueue</c>;
/// a request still queued after <c>ExpiresAt</c> is dropped unanswered, because its caller has given up.
/// </summary>
public sealed record CallDeviceMethods(Guid CallId, string ReplyQueue, DateTimeOffset ExpiresAt, IReadOnlyList<DeviceMethodCall> Calls);
