namespace IotHubJobs.Security;

/// <summary>
/// How a device's CONNECT is answered (docs/devices.md, "Authentication"): accepted, refused for bad credentials
/// (MQTT return code 4: wrong key, expired, another device's or hub's token, malformed), or not authorized (return
/// code 5: unknown or disabled device, a policy without DeviceConnect). <c>ExpiresAt</c> is when an accepted
/// connection must end: the token's expiry plus the clock skew IoT Hub allows.
/// </summary>
public sealed record DeviceConnectResult(DeviceConnectVerdict Verdict, string? Reason, DateTimeOffset ExpiresAt)
{
    public static DeviceConnectResult Accepted(DateTimeOffset expiresAt) => new(DeviceConnectVerdict.Accepted, null, expiresAt);
    public static DeviceConnectResult BadCredentials(string reason) => new(DeviceConnectVerdict.BadCredentials, reason, default);
    public static DeviceConnectResult NotAuthorized(string reason) => new(DeviceConnectVerdict.NotAuthorized, reason, default);
}

public enum DeviceConnectVerdict
{
    Accepted,
    BadCredentials,
    NotAuthorized,
}
