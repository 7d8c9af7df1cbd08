using System.Globalization;
using System.Net;
using IotHubJobs.Security;

namespace Integration.Tests.DeviceGateway;

/// <summary>A device's SAS token the way the C# device SDK writes it: <c>sr</c> URL-encoded, no <c>skn</c> for a device key.</summary>
public static class DeviceToken
{
    public static string Create(string deviceId, string key, DateTimeOffset expiresAt, string host = "localhost")
    {
        var sr = WebUtility.UrlEncode($"{host}/devices/{deviceId}");
        var se = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sig = SharedAccessSignatureBuilder.ComputeSignature(key, sr, se);
        return $"SharedAccessSignature sr={sr}&sig={WebUtility.UrlEncode(sig)}&se={se}";
    }

    /// <summary>A hub policy's token for the device (<c>skn</c> names the policy).</summary>
    public static string ForPolicy(string deviceId, string policy, string key, DateTimeOffset expiresAt, string host = "localhost") =>
        SharedAccessSignatureBuilder.Create($"{host}/devices/{deviceId}", policy, key, expiresAt);

    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
