using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace DeviceLoad;

/// <summary>
/// A device's SAS token as the C# device SDK writes it (docs/devices.md, "Authentication"): <c>sr</c> URL-encoded,
/// signed with the device key over <c>"{sr}\n{se}"</c>, no <c>skn</c>. Written here on purpose rather than taken from
/// libs/IotHubSecurity, so the load generator does not share the gateway's code for the check it is put through.
/// </summary>
public static class DeviceToken
{
    public static string Create(string host, string deviceId, string key, DateTimeOffset expiresAt)
    {
        var sr = WebUtility.UrlEncode($"{host}/devices/{deviceId}");
        var se = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new HMACSHA256(Convert.FromBase64String(key));
        var sig = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{sr}\n{se}")));
        return $"SharedAccessSignature sr={sr}&sig={WebUtility.UrlEncode(sig)}&se={se}";
    }
}
