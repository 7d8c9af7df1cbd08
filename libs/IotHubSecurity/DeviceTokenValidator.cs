using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace IotHubJobs.Security;

/// <summary>
/// Checks the SAS token a device connects with (docs/devices.md, "Authentication"; docs/iothub-api.md, "SAS tokens,
/// policies and permissions"): a token for <c>{host}/devices/{deviceId}</c> signed with the device's primary or
/// secondary key, or one signed by a hub policy with DeviceConnect (<c>skn</c>) for the hub or that device. Same
/// expiry and clock-skew rule as service tokens; the HMAC is computed over <c>sr</c> exactly as transmitted.
/// </summary>
/// <param name="clockSkew">How long past <c>se</c> a token is still taken: IoT Hub's five minutes unless configured otherwise.</param>
public sealed class DeviceTokenValidator(string hostName, SharedAccessPolicySet? policies, TimeProvider time, TimeSpan? clockSkew = null)
{
    private readonly TimeSpan _clockSkew = clockSkew ?? SharedAccessSignatureValidator.MaxClockSkew;

    public string HostName { get; } = hostName.Trim();

    /// <param name="device">The device's registry entry, or null when the id is unknown.</param>
    public DeviceConnectResult Validate(string? password, string deviceId, DeviceKeys? device)
    {
        if (!SharedAccessSignature.TryParse(password, out var token, out var reason))
            return DeviceConnectResult.BadCredentials(reason);
        var expiresAt = ExpiresAt(token);
        if (expiresAt < time.GetUtcNow()) return DeviceConnectResult.BadCredentials("The SAS token is expired");
        if (token.KeyName is { } policyName) return ValidatePolicyToken(token, policyName, deviceId, device, expiresAt);

        if (!NamesDevice(token.Resource, deviceId))
            return DeviceConnectResult.BadCredentials("The token's resource (sr) is not this hub's device");
        if (device is null) return DeviceConnectResult.NotAuthorized("The device is not registered");
        if (!SignedWith(token, device.PrimaryKey) && !SignedWith(token, device.SecondaryKey))
            return DeviceConnectResult.BadCredentials("The token's signature matches neither key of the device");
        if (!device.Enabled) return DeviceConnectResult.NotAuthorized("The device is disabled");
        return DeviceConnectResult.Accepted(expiresAt);
    }

    private DeviceConnectResult ValidatePolicyToken(SharedAccessSignature token, string policyName, string deviceId, DeviceKeys? device,
        DateTimeOffset expiresAt)
    {
        if (policies is null || !policies.TryGet(policyName, out var policy))
            return DeviceConnectResult.BadCredentials("The token names an unknown shared access policy");
        if (!NamesHub(token.Resource) && !NamesDevice(token.Resource, deviceId))
            return DeviceConnectResult.BadCredentials("The token's resource (sr) is neither this hub nor this device");
        if (!SignedWith(token, policy.PrimaryKey) && !SignedWith(token, policy.SecondaryKey))
            return DeviceConnectResult.BadCredentials("The token's signature matches neither key of the policy");
        if ((policy.Rights & AccessRights.DeviceConnect) == 0)
            return DeviceConnectResult.NotAuthorized($"The policy '{policy.Name}' lacks DeviceConnect");
        if (device is null) return DeviceConnectResult.NotAuthorized("The device is not registered");
        if (!device.Enabled) return DeviceConnectResult.NotAuthorized("The device is disabled");
        return DeviceConnectResult.Accepted(expiresAt);
    }

    /// <summary>
    /// <c>{host}/devices/{deviceId}</c>, the host compared case-insensitively with or without a port; the device id as it
    /// is or URL-encoded (the C# SDK encodes it before encoding the whole resource).
    /// </summary>
    public bool NamesDevice(string resource, string deviceId)
    {
        var prefix = resource.IndexOf("/devices/", StringComparison.Ordinal);
        if (prefix <= 0 || !NamesHub(resource[..prefix])) return false;
        var id = resource[(prefix + "/devices/".Length)..];
        return id == deviceId || id == WebUtility.UrlEncode(deviceId) || id == Uri.EscapeDataString(deviceId);
    }

    private bool NamesHub(string resource) =>
        !resource.Contains('/') && Audience.Matches(resource, HostName);

    private DateTimeOffset ExpiresAt(SharedAccessSignature token)
    {
        var seconds = Math.Min(token.ExpiresAtUnixSeconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds() - (long)_clockSkew.TotalSeconds);
        return DateTimeOffset.FromUnixTimeSeconds(seconds) + _clockSkew;
    }

    private static bool SignedWith(SharedAccessSignature token, string? base64Key)
    {
        if (string.IsNullOrEmpty(base64Key)) return false;
        string expected;
        try
        {
            expected = SharedAccessSignatureBuilder.ComputeSignature(base64Key, token.EncodedResource, token.Expiry);
        }
        catch (FormatException)
        {
            return false; // a key that is not Base64 signs nothing
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.UTF8.GetBytes(token.Signature));
    }
}
