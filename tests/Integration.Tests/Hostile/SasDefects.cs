using System.Globalization;
using System.Security.Cryptography;
using IotHubJobs.Security;

namespace Integration.Tests.Hostile;

/// <summary>
/// The Authorization header a corpus case sends, built from the name of its defect with the hub's real keys, so every
/// defective token is wrong in exactly one way (docs/iothub-api.md, "SAS tokens, policies and permissions"). Null means
/// "send no Authorization header".
/// </summary>
public static class SasDefects
{
    public const string Valid = "valid";

    public static IReadOnlyList<string> Headers(string defect, string hostName, string policy, IReadOnlyDictionary<string, string> keys)
    {
        var key = keys[policy];
        var now = DateTimeOffset.UtcNow;
        var se = Seconds(now.AddHours(1));
        string Signed(string sr, string expiry, string signingKey) => SharedAccessSignatureBuilder.ComputeSignature(signingKey, sr, expiry);
        string Token(string sr, string sig, string expiry, string? skn) =>
            $"SharedAccessSignature sr={sr}&sig={Uri.EscapeDataString(sig)}&se={expiry}" + (skn is null ? "" : $"&skn={skn}");
        string Good(string sr) => Token(sr, Signed(sr, se, key), se, policy);

        return defect switch
        {
            Valid => [Good(hostName)],
            "missing-header" => [],
            "empty-header" => [""],
            "bearer-scheme" => ["Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"],
            "scheme-only" => ["SharedAccessSignature"],
            "whitespace-inside" => [Good(hostName).Replace("&se=", "& se=", StringComparison.Ordinal)],
            "forged-signature" => [Token(hostName, Convert.ToBase64String(new byte[32]), se, policy)],
            "truncated-signature" => [Token(hostName, Signed(hostName, se, key)[..^4], se, policy)],
            "empty-signature" => [$"SharedAccessSignature sr={hostName}&sig=&se={se}&skn={policy}"],
            "signature-not-url-encoded-correctly" => [$"SharedAccessSignature sr={hostName}&sig=%ZZ{Uri.EscapeDataString(Signed(hostName, se, key))}&se={se}&skn={policy}"],
            "key-of-another-policy" => [Token(hostName, Signed(hostName, se, keys.First(k => k.Key != policy).Value), se, policy)],
            "key-nobody-has" => [Token(hostName, Signed(hostName, se, NewKey()), se, policy)],
            "unknown-policy" => [Token(hostName, Signed(hostName, se, key), se, "stranger")],
            "policy-name-in-other-case" => [Token(hostName, Signed(hostName, se, key), se, policy.ToUpperInvariant())],
            "expired" => [Token(hostName, Signed(hostName, Seconds(now.AddMinutes(-10)), key), Seconds(now.AddMinutes(-10)), policy)],
            "expired-long-ago" => [Token(hostName, Signed(hostName, "1", key), "1", policy)],
            "tampered-expiry" => [Token(hostName, Signed(hostName, se, key), Seconds(now.AddDays(1)), policy)],
            "expiry-beyond-int64" => [Token(hostName, Signed(hostName, "99999999999999999999", key), "99999999999999999999", policy)],
            "negative-expiry" => [Token(hostName, Signed(hostName, "-60", key), "-60", policy)],
            "expiry-not-a-number" => [Token(hostName, Signed(hostName, "tomorrow", key), "tomorrow", policy)],
            "expiry-with-fraction" => [Token(hostName, Signed(hostName, se + ".5", key), se + ".5", policy)],
            "missing-sr" => [$"SharedAccessSignature sig={Uri.EscapeDataString(Signed(hostName, se, key))}&se={se}&skn={policy}"],
            "missing-sig" => [$"SharedAccessSignature sr={hostName}&se={se}&skn={policy}"],
            "missing-se" => [$"SharedAccessSignature sr={hostName}&sig={Uri.EscapeDataString(Signed(hostName, se, key))}&skn={policy}"],
            "missing-skn" => [Token(hostName, Signed(hostName, se, key), se, null)],
            "repeated-field" => [Good(hostName) + $"&skn={policy}"],
            "field-without-value" => [Good(hostName) + "&sr"],
            "another-hub" => [Good("myhub.azure-devices.net")],
            "audience-that-starts-with-the-hub-name" => [Good(hostName + ".evil.example")],
            "audience-path-of-a-lookalike-host" => [Good(hostName + "x/devices/d1")],
            "device-scoped-token" => [Token($"{hostName}/devices/d1", Signed($"{hostName}/devices/d1", se, NewKey()), se, null)],
            "two-authorization-headers" => [Good(hostName), Good(hostName)],
            _ => throw new ArgumentException($"Unknown SAS defect '{defect}'", nameof(defect)),
        };
    }

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
