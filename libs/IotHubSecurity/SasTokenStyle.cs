namespace IotHubJobs.Security;

/// <summary>
/// How a client writes its token (docs/iothub-api.md, "SAS tokens, policies and permissions"); the server accepts both.
/// </summary>
public enum SasTokenStyle
{
    /// <summary>C# SDK and docs: <c>sr</c> URL-encoded with uppercase hex (<c>WebUtility.UrlEncode</c>), order sr, sig, se, skn.</summary>
    CSharp,

    /// <summary>Node SDK: <c>sr</c> raw, strict encodeURIComponent of sig and skn, order sr, sig, skn, se.</summary>
    Node,
}
