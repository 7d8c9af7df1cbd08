using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace IotHubJobs.Security;

/// <summary>Creates service tokens as the SDKs do; used by tests, tools and docs.</summary>
public static class SharedAccessSignatureBuilder
{
    /// <summary>A token for <paramref name="resource"/> (usually the hub host name) valid until <paramref name="expiresAt"/>.</summary>
    public static string Create(string resource, string keyName, string base64Key, DateTimeOffset expiresAt,
        SasTokenStyle style = SasTokenStyle.CSharp)
    {
        var se = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sr = style == SasTokenStyle.Node ? resource : WebUtility.UrlEncode(resource);
        var sig = ComputeSignature(base64Key, sr, se);
        return style == SasTokenStyle.Node
            ? $"{SharedAccessSignature.Scheme} sr={sr}&sig={Uri.EscapeDataString(sig)}&skn={Uri.EscapeDataString(keyName)}&se={se}"
            : $"{SharedAccessSignature.Scheme} sr={sr}&sig={WebUtility.UrlEncode(sig)}&se={se}&skn={WebUtility.UrlEncode(keyName)}";
    }

    /// <summary>A token from a service connection string, valid for <paramref name="timeToLive"/> from now.</summary>
    public static string Create(IotHubConnectionString connectionString, TimeSpan timeToLive, TimeProvider? time = null,
        SasTokenStyle style = SasTokenStyle.CSharp) =>
        Create(connectionString.HostName,
            connectionString.SharedAccessKeyName
            ?? throw new ArgumentException("The connection string names no SharedAccessKeyName.", nameof(connectionString)),
            connectionString.SharedAccessKey, (time ?? TimeProvider.System).GetUtcNow() + timeToLive, style);

    /// <summary>Base64(HMAC-SHA256(key = Base64Decode(key), UTF8(sr as transmitted + "\n" + se))).</summary>
    public static string ComputeSignature(string base64Key, string encodedResource, string expiry)
    {
        var key = Convert.FromBase64String(base64Key);
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
