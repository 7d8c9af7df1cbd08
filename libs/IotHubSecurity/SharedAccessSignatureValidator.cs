using System.Security.Cryptography;
using System.Text;

namespace IotHubJobs.Security;

/// <summary>
/// Checks service tokens the way IoT Hub does (docs/iothub-api.md, "SAS tokens, policies and permissions"): known
/// policy, not expired beyond the clock skew, audience = this hub, and the HMAC over the transmitted <c>sr</c> and
/// <c>se</c> matches the primary or secondary key.
/// </summary>
public sealed class SharedAccessSignatureValidator(string hostName, SharedAccessPolicySet policies, TimeProvider time)
{
    /// <summary>The C# service code accepts tokens up to five minutes past their expiry.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public string HostName { get; } = string.IsNullOrWhiteSpace(hostName)
        ? throw new ArgumentException("The hub host name is required.", nameof(hostName))
        : hostName.Trim();

    public SasValidationResult Validate(string? authorizationHeader)
    {
        if (!SharedAccessSignature.TryParse(authorizationHeader, out var token, out var reason))
            return SasValidationResult.Failure(reason);
        return Validate(token);
    }

    public SasValidationResult Validate(SharedAccessSignature token)
    {
        if (token.KeyName is null)
            return SasValidationResult.Failure("The token names no shared access policy (skn)");
        if (!policies.TryGet(token.KeyName, out var policy))
            return SasValidationResult.Failure("The token names an unknown shared access policy");
        if (IsExpired(token))
            return SasValidationResult.Failure("The SAS token is expired");
        if (!Audience.Matches(token.Resource, HostName))
            return SasValidationResult.Failure("The token's audience (sr) is not this IoT hub");
        if (!SignedWith(token, policy.PrimaryKey) && !SignedWith(token, policy.SecondaryKey))
            return SasValidationResult.Failure(
                "The token's signature matches neither the primary nor the secondary key of the policy");
        return SasValidationResult.Success(policy);
    }

    /// <summary>Expired when <c>se</c> + skew lies before now (Int128: any <c>se</c> fits, long-lived tokens stay valid).</summary>
    private bool IsExpired(SharedAccessSignature token) =>
        (Int128)token.ExpiresAtUnixSeconds * 1000 + (long)MaxClockSkew.TotalMilliseconds
        < time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool SignedWith(SharedAccessSignature token, string base64Key)
    {
        if (string.IsNullOrEmpty(base64Key)) return false;
        var expected = SharedAccessSignatureBuilder.ComputeSignature(base64Key, token.EncodedResource, token.Expiry);
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.UTF8.GetBytes(token.Signature));
    }
}
