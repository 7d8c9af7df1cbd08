using System.Security.Cryptography;
using System.Text;

namespace JobsApi.Webhooks;

/// <summary>
/// The signature of a delivery (docs/events.md, "Signatures"): <c>sha256=</c> and the lower-case hex of HMAC-SHA256,
/// keyed with the secret's UTF-8 bytes, over the timestamp header's text, a dot, and the body.
/// </summary>
public static class WebhookSignature
{
    public const string NameHeader = "X-IotHubJobs-Webhook";
    public const string TimestampHeader = "X-IotHubJobs-Timestamp";
    public const string SignatureHeader = "X-IotHubJobs-Signature";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
