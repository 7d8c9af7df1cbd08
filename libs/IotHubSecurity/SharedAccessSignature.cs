using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace IotHubJobs.Security;

/// <summary>
/// A parsed <c>SharedAccessSignature sr=..&amp;sig=..&amp;se=..&amp;skn=..</c> token (docs/iothub-api.md,
/// "SAS tokens, policies and permissions"): fields in any order, names case-insensitive. <c>sr</c> is kept exactly as
/// transmitted, because that is what the client signed.
/// </summary>
public sealed class SharedAccessSignature
{
    public const string Scheme = "SharedAccessSignature";

    private SharedAccessSignature(string encodedResource, string signature, string expiry, long expiresAt, string? keyName)
    {
        EncodedResource = encodedResource;
        Signature = signature;
        Expiry = expiry;
        ExpiresAtUnixSeconds = expiresAt;
        KeyName = keyName;
    }

    /// <summary><c>sr</c> exactly as transmitted (raw or URL-encoded): the signed text.</summary>
    public string EncodedResource { get; }

    /// <summary><c>sr</c> URL-decoded: the audience.</summary>
    public string Resource => WebUtility.UrlDecode(EncodedResource);

    /// <summary><c>se</c> as transmitted: the signed text.</summary>
    public string Expiry { get; }

    public long ExpiresAtUnixSeconds { get; }

    /// <summary><c>skn</c> URL-decoded: the policy name; null for device-key tokens.</summary>
    public string? KeyName { get; }

    /// <summary><c>sig</c> URL-decoded: Base64 of the HMAC. Internal so it is never printed by accident.</summary>
    internal string Signature { get; }

    public override string ToString() => $"{Scheme} sr={EncodedResource}&se={Expiry}&skn={KeyName}";

    public static SharedAccessSignature Parse(string value) =>
        TryParse(value, out var token, out var reason) ? token : throw new FormatException(reason);

    /// <summary>Parses an <c>Authorization</c> header value; <paramref name="reason"/> says what is wrong, never a secret.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SharedAccessSignature? token, out string reason)
    {
        token = null;
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
            return Fail("Authorization header missing", out reason);
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || text.Length == Scheme.Length || !char.IsWhiteSpace(text[Scheme.Length]))
            return Fail("The Authorization header is not a SharedAccessSignature", out reason);
        var fields = text[Scheme.Length..].Trim();
        if (fields.Any(char.IsWhiteSpace))
            return Fail("The SharedAccessSignature is malformed", out reason);

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = field.IndexOf('=');
            if (equals <= 0)
                return Fail("The SharedAccessSignature has a field without a value", out reason);
            if (!values.TryAdd(field[..equals], field[(equals + 1)..]))
                return Fail($"The SharedAccessSignature repeats the field '{field[..equals]}'", out reason);
        }

        if (!values.TryGetValue("sr", out var sr) || sr.Length == 0)
            return Fail("The SharedAccessSignature has no sr field", out reason);
        if (!values.TryGetValue("sig", out var sig) || sig.Length == 0)
            return Fail("The SharedAccessSignature has no sig field", out reason);
        if (!values.TryGetValue("se", out var se) || se.Length == 0)
            return Fail("The SharedAccessSignature has no se field", out reason);
        if (!long.TryParse(se, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
            return Fail("The SharedAccessSignature's se field is not a number of seconds", out reason);
        values.TryGetValue("skn", out var skn);

        // Uri.UnescapeDataString leaves a raw '+' alone (WebUtility.UrlDecode would turn it into a space),
        // so a Base64 sig is accepted URL-encoded as well as raw.
        if (!TryUnescape(sig, out var signature) || !TryUnescape(skn, out var keyName))
            return Fail("The SharedAccessSignature has a badly URL-encoded field", out reason);
        token = new SharedAccessSignature(sr, signature!, se, expiresAt, string.IsNullOrEmpty(keyName) ? null : keyName);
        reason = "";
        return true;
    }

    private static bool TryUnescape(string? value, out string? unescaped)
    {
        unescaped = value;
        if (value is null) return true;
        try
        {
            unescaped = Uri.UnescapeDataString(value);
            return true;
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
